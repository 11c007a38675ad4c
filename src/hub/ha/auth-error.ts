/** Home Assistant rejected hearth's access token: fatal, at setup and on reconnect. */
export class HaAuthError extends Error {
  constructor(
    readonly tokenSource: string,
    url: string,
  ) {
    super(
      `Home Assistant at ${url} rejected the access token from ${tokenSource}: create a long-lived access token in HA (profile → security) and put it there`,
    );
    this.name = 'HaAuthError';
  }
}
