/**
 * One parameter a config implies: its exact checkpoint name and shape, and what kind of parameter it is
 * (the tiny-model generator uses the kind and fan-in to scale its random init).
 */
export type ParamKind = 'linear' | 'bias' | 'norm' | 'conv' | 'embedding';

export type ExpectedTensor = Readonly<{
  name: string;
  shape: readonly number[];
  kind: ParamKind;
  fanIn: number;
}>;

export function linear(prefix: string, out: number, inp: number, bias = true): ExpectedTensor[] {
  const weight: ExpectedTensor = { name: `${prefix}.weight`, shape: [out, inp], kind: 'linear', fanIn: inp };
  return bias ? [weight, { name: `${prefix}.bias`, shape: [out], kind: 'bias', fanIn: inp }] : [weight];
}

export function norm(name: string, shape: readonly number[]): ExpectedTensor {
  return { name, shape, kind: 'norm', fanIn: 1 };
}

/**
 * A convolution `[out, in, ...kernel]`. `fanIn` counts the input channels and the spatial kernel only:
 * on a single frame a causal 3-D convolution uses one temporal slice, so that is the effective fan-in.
 */
export function conv(
  prefix: string,
  out: number,
  inp: number,
  kernel: readonly number[],
  bias = true,
): ExpectedTensor[] {
  const spatial = kernel.slice(-2).reduce((a, b) => a * b, 1);
  const weight: ExpectedTensor = {
    name: `${prefix}.weight`,
    shape: [out, inp, ...kernel],
    kind: 'conv',
    fanIn: inp * spatial,
  };
  return bias
    ? [weight, { name: `${prefix}.bias`, shape: [out], kind: 'bias', fanIn: inp * spatial }]
    : [weight];
}
