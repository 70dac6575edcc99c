// The console's only way to the data: the REST API of this origin, every call with
// "Authorization: Bearer <key>". The console shows exactly what the API answers for that key.

/** A refused or failed call: the problem's HTTP status, Strata error code and detail. */
export class ApiError extends Error {
  constructor(status, code, detail) {
    super(detail || code || ('HTTP ' + status));
    this.status = status;
    this.code = code;
    this.detail = detail;
  }
}

const MAX_PAGES = 200;

export class Api {
  constructor(key) {
    this.key = key;
  }

  async request(method, path, body) {
    const headers = {'Authorization': 'Bearer ' + this.key, 'Accept': 'application/json'};
    const init = {method, headers, cache: 'no-store', credentials: 'omit', redirect: 'error'};
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, init);
    } catch (e) {
      throw new ApiError(0, 'NETWORK', 'The Strata server cannot be reached (' + e.message + ')');
    }
    const text = await response.text();
    let json = null;
    if (text) {
      try {
        json = JSON.parse(text);
      } catch (e) {
        json = null;
      }
    }
    if (!response.ok) {
      const code = json && typeof json.code === 'string' ? json.code : null;
      const detail = json && typeof json.detail === 'string' ? json.detail : (response.statusText || 'HTTP ' + response.status);
      throw new ApiError(response.status, code, detail);
    }
    return {json, location: response.headers.get('Location'), status: response.status};
  }

  async get(path) {
    return (await this.request('GET', path)).json;
  }

  async post(path, body) {
    return (await this.request('POST', path, body)).json;
  }

  /**
   * Every item of a list endpoint, following the cursor of paginated answers
   * ({"<field>": [...], "next_cursor": "..."}) until there is none.
   */
  async listAll(path, field) {
    const items = [];
    let url = path;
    for (let page = 0; page < MAX_PAGES; page++) {
      const json = await this.get(url);
      items.push(...(Array.isArray(json[field]) ? json[field] : []));
      const cursor = json.next_cursor || (json.page && json.page.next_cursor) || null;
      if (!cursor) {
        return items;
      }
      const u = new URL(path, window.location.origin);
      u.searchParams.set('cursor', cursor);
      url = u.pathname + u.search;
    }
    return items;
  }
}

/** What an error says to a person: the server's detail, with its code. */
export function describe(error) {
  if (error instanceof ApiError) {
    return error.code ? error.detail + ' (' + error.code + ')' : error.detail;
  }
  return String(error && error.message ? error.message : error);
}
