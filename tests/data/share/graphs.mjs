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
