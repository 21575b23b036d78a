// An upload with the real tus-js-client (the same package the web app uses), run by Node against
// the live server: it is cut off part-way (the request aborted mid-body, as when a phone loses its
// connection), then resumed from the offset the server reports. Prints one JSON line.
// Usage: node tus-resume.mjs <endpoint> <bearer token> <itemId> <file>; LMS_WEB_PACKAGE=<Lms.Web/package.json>
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';

const require = createRequire(process.env.LMS_WEB_PACKAGE);
const tus = require('tus-js-client');
const [endpoint, token, itemId, file] = process.argv.slice(2);
const data = readFileSync(file);
const headers = { Authorization: `Bearer ${token}` };
const metadata = { itemId, filename: 'phone-video.mp4', filetype: 'video/mp4' };

// The first attempt goes at a phone's pace (64 kB every 5 ms) in one PATCH, so that it is cut off
// mid-request: tus-js-client's own Node HTTP stack, its body handed over as a slow stream.
function slowly(buffer) {
  let position = 0;
  return new Readable({
    read() {
      setTimeout(() => {
        if (position >= buffer.length) return this.push(null);
        const end = Math.min(position + 65536, buffer.length);
        this.push(buffer.subarray(position, end));
        position = end;
      }, 5);
    },
  });
}

class PhonePaceStack {
  constructor() {
    this.inner = new tus.DefaultHttpStack();
  }

  createRequest(method, url) {
    const request = this.inner.createRequest(method, url);
    const send = request.send.bind(request);
    request.send = (body) => send(body instanceof Uint8Array ? slowly(body) : body);
    return request;
  }

  getName() {
    return 'PhonePaceStack';
  }
}

const url = await new Promise((resolve, reject) => {
  let aborted = false;
  const upload = new tus.Upload(data, {
    endpoint, headers, metadata, retryDelays: null, httpStack: new PhonePaceStack(),
    onProgress(sent, total) {
      if (!aborted && sent > total * 0.4) {
        aborted = true;
        upload.abort().then(() => resolve(upload.url), reject);
      }
    },
    onError: reject,
    onSuccess: () => reject(new Error('The upload finished before it could be interrupted.')),
  });
  upload.start();
});

// What the server kept of the broken request (it may still be writing the last bytes it received).
let offsetAfterAbort = -1;
for (let i = 0; i < 50; i++) {
  const head = await fetch(url, { method: 'HEAD', headers: { ...headers, 'Tus-Resumable': '1.0.0' } });
  const offset = Number(head.headers.get('upload-offset'));
  if (offset === offsetAfterAbort && offset > 0) break;
  offsetAfterAbort = offset;
  await new Promise((r) => setTimeout(r, 100));
}

const result = await new Promise((resolve, reject) => {
  let firstProgress = -1;
  const upload = new tus.Upload(data, {
    uploadUrl: url, headers, metadata, retryDelays: null,
    onProgress(sent) {
      if (firstProgress < 0) firstProgress = sent;
    },
    onError: reject,
    onSuccess: () => resolve({ firstProgress }),
  });
  upload.start();
});

console.log(JSON.stringify({ url, size: data.length, offsetAfterAbort, resumedFrom: result.firstProgress, done: true }));
