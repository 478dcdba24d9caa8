// Share-link test data: a graph with every feature, and a hostile stream.

// A graph that uses every feature of the language (docs/language.md): declarations, limits,
// rates, ranges, kernels, every option, reduce, quoted labels with escapes and unicode.
export const EVERY_FEATURE = `# every feature of the .dag language
workers 4
limit db 2
rate api 5/s
policy priority
on_error skip-dependents
seed 12345
split "Split the \\"input\\" — naïve ✂️ 日本語" : cpu 5ms
fetch[1..4] "fetch a page" : io 200ms retry 3 backoff 50ms timeout 2s fail 20% uses api
query "query the db" : io 30ms uses db, api priority -7 after split
flaky : cpu 1ms retry 2 fail attempts 1 after split
p[1..4] : primes 0..100k after split
m : mandelbrot 64 iter 100
h : hash 10k part 1/2
s : sort 1000
wc : wordcount
c[1..2] : counter 1k atomic
boom : panic
total "sum\\tit\\nall" : cpu 0ms reduce sum after p[*]
best : cpu 1ms reduce min after fetch[1..3], fetch[4]
report : io 2ms reduce concat priority 10 timeout 1s after total best, query flaky m h s wc c[*]
`;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-';

/** `chars` characters of lz-string stream that expands quadratically: one literal 'a', then
 *  codes that each name the entry being made (the decoder's w + w[0] case), then the end. */
export function bombPayload(chars) {
  const bits = [];
  const put = (value, n) => { for (let i = 0; i < n; i++) bits.push((value >> i) & 1); };
  put(0, 2); put(97, 8); // literal 'a' (entry 3)
  let dictSize = 4;
  let numBits = 3;
  let enlargeIn = 4;
  while (bits.length + 2 * numBits + 2 < chars * 6) {
    put(dictSize, numBits);
    dictSize += 1;
    enlargeIn -= 1;
    if (enlargeIn === 0) { enlargeIn = 2 ** numBits; numBits += 1; }
  }
  put(2, numBits); // the end code, then padding
  while (bits.length < chars * 6) bits.push(0);
  let out = '';
  for (let c = 0; c < chars; c++) {
    let v = 0;
    for (let b = 0; b < 6; b++) v |= bits[c * 6 + b] << (5 - b);
    out += ALPHABET[v];
  }
  return out;
}

