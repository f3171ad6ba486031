// error.mjs - the one error type of the binding, in its own module so that the lazily loaded sweep module
// needs no import of bcml.mjs (no import cycle, which bundling into blob URLs cannot resolve).
export class BcmlError extends Error {
  constructor(message, code) {
    super(message);
    this.name = 'BcmlError';
    this.code = code;
  }
}
