// Access token in memory, refresh token in localStorage: a reload keeps the session through one refresh.
const REFRESH_KEY = 'crm.refresh_token';

let accessToken: string | null = null;
const listeners = new Set<() => void>();

function readRefresh(): string | null {
  try {
    return localStorage.getItem(REFRESH_KEY);
  } catch {
    return null;
  }
}

function emit(): void {
  for (const listener of listeners) listener();
}

export const tokenStore = {
  getAccess(): string | null {
    return accessToken;
  },
  getRefresh(): string | null {
    return readRefresh();
  },
  hasSession(): boolean {
    return accessToken !== null || readRefresh() !== null;
  },
  set(pair: { access_token: string; refresh_token: string }): void {
    const wasSignedIn = tokenStore.hasSession();
    accessToken = pair.access_token;
    localStorage.setItem(REFRESH_KEY, pair.refresh_token);
    if (!wasSignedIn) emit();
  },
  clear(): void {
    const wasSignedIn = tokenStore.hasSession();
    accessToken = null;
    localStorage.removeItem(REFRESH_KEY);
    if (wasSignedIn) emit();
  },
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};
