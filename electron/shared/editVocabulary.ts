// The one declaration of an edit's limits, defaults, recipe and timings is the pipeline's dependency-free
// leaf; the contract and the UI take it from here, the only file of native-models this layer may import.
export * from '../../native-models/src/pipeline/edit-vocabulary';
