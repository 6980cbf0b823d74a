// api.js: GET and POST against tide's JSON API. Every failure becomes an ApiError whose
// message a person can read: which request, the HTTP status and tide's own error text.
export class ApiError extends Error {
  constructor(method, path, status, detail) {
    super(`${method} ${path} failed: ${status ? `HTTP ${status}: ` : ''}${detail}`);
    this.status = status;
  }
}

// The token of a guarded API (api.token): ?token=... in the page's address, kept for the tab.
function token() {
  const fromUrl = new URLSearchParams(location.search).get('token');
  if (fromUrl) sessionStorage.setItem('tideToken', fromUrl);
  return sessionStorage.getItem('tideToken');
}

export async function request(method, path, body) {
  const headers = { Accept: 'application/json' };
  const t = token();
  if (t) headers.Authorization = `Bearer ${t}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new ApiError(method, path, 0, `tide does not answer (${e.message}); is tide run still running?`);
  }
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    let detail = (json && json.error) || text.trim().slice(0, 300) || res.statusText;
    if (res.status === 401) detail += ' — open this page as /?token=YOUR_TOKEN';
    throw new ApiError(method, path, res.status, detail);
  }
  if (json === undefined) throw new ApiError(method, path, res.status, 'the answer is not JSON');
  return json;
}

export const get = (path) => request('GET', path);
