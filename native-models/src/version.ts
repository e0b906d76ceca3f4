/** Version of the model-stack format written into model.json; bump when the folder layout changes. */
export const MODEL_FORMAT_VERSION = 1;
