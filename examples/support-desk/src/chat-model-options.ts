/**
 * Where a chat model is asked: any OpenAI-compatible API, through the official `openai` SDK. The FAQ
 * assistant and the intent router take the same settings (`OPENAI_BASE_URL`, `OPENAI_API_KEY`);
 * each has its own defaults for the model, retries and time allowed.
 *
 * @example
 * const options: ChatModelOptions = { baseURL: 'http://127.0.0.1:4010/v1', apiKey: 'test-key', maxRetries: 0 }
 */
export interface ChatModelOptions {
  /** Ends in `/v1` (`OPENAI_BASE_URL`). */
  baseURL: string;
  /** Sent as the bearer token (`OPENAI_API_KEY`). */
  apiKey: string;
  /** The chat model (each user's default when left out). */
  model?: string | undefined;
  /** Retries of failed connections and 429/5xx answers. */
  maxRetries?: number | undefined;
  /** Time allowed for an answer, retries included, in milliseconds. */
  timeoutMs?: number | undefined;
  /** The `fetch` the SDK uses; the global one when left out. */
  fetch?: ((input: string | URL | Request, init?: RequestInit) => Promise<Response>) | undefined;
}
