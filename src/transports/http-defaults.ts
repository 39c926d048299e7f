/** Where `baton serve --http` listens unless told otherwise: loopback only. */
export const DEFAULT_HTTP_PORT = 7766;
export const DEFAULT_HTTP_HOST = "127.0.0.1";
