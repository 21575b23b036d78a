// Generates the web app's REST types (src/api/schema.gen.ts) from the server's OpenAPI document, which
// `dotnet build Lms.Server` writes to Lms.Server/obj/openapi/Lms.Server.json. The file is rewritten only when
// its text changes, so an unchanged API does not rebuild the web app. Not committed: it is build output.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';

const here = dirname(fileURLToPath(import.meta.url));
const documentPath = resolve(here, '../../Lms.Server/obj/openapi/Lms.Server.json');
const outputPath = resolve(here, '../src/api/schema.gen.ts');

if (!existsSync(documentPath)) {
  if (existsSync(outputPath)) process.exit(0);
  console.error(`No OpenAPI document at ${documentPath}: build the server first (dotnet build Lms.Server), which writes it and then builds this app.`);
  process.exit(1);
}

const header = '// Generated from the server\'s OpenAPI document by scripts/gen-api.mjs. Do not edit; build the server instead.\n';
const contents = header + astToString(await openapiTS(pathToFileURL(documentPath)));
const current = existsSync(outputPath) ? readFileSync(outputPath, 'utf8') : '';
if (current !== contents) {
  writeFileSync(outputPath, contents);
  console.log(`REST types written to src/api/schema.gen.ts`);
}
