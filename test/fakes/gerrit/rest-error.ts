// A REST failure with Gerrit's status and its text/plain message.

export class RestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
