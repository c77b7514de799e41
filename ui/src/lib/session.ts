/** The operator's API key lives for the browser tab only (sessionStorage), never in a URL. */
const KEY = 'baton.apiKey';

export const readKey = (): string | null => sessionStorage.getItem(KEY);
export const saveKey = (key: string) => sessionStorage.setItem(KEY, key);
export const clearKey = () => sessionStorage.removeItem(KEY);
