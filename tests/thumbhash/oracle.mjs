// The reference ThumbHash encoder as a command, for tests/unit/image/thumbhash_test.cpp:
//   node oracle.mjs W H FILE     FILE holds W*H*4 bytes of RGBA; prints the hash in base64.
import { readFileSync } from 'node:fs';
import { rgbaToThumbHash } from 'thumbhash';

const [w, h, file] = process.argv.slice(2);
const rgba = new Uint8Array(readFileSync(file));
process.stdout.write(Buffer.from(rgbaToThumbHash(Number(w), Number(h), rgba)).toString('base64') + '\n');
