// The answers src/early.ts asked for before the app's scripts had arrived: the first GET of the same address takes
// its answer (once) instead of asking the network again. Any other request (one that changes something) forgets
// them all, so that nothing read before it is shown after it.

/** The address compared: path and query, without the clock reading an attempt is asked for with (each request took its own). */
function key(url: string): string {
  const address = new URL(url, window.location.origin);
  address.searchParams.delete('clientNow');
  address.searchParams.sort();
  return address.pathname + address.search;
}

/** The early answer for this request, if there is one (then it is no longer there for the next). */
export function takeEarlyAnswer(request: Request): Promise<Response> | undefined {
  const answers = window.lmsEarly;
  if (!answers || answers.size === 0) return undefined;
  if (request.method !== 'GET') {
    answers.clear();
    return undefined;
  }
  const wanted = key(request.url);
  for (const [address, answer] of answers) {
    if (key(address) !== wanted) continue;
    answers.delete(address);
    return answer;
  }
  return undefined;
}
