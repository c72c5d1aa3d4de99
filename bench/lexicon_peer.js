// lexicon_peer.js -- the `obscenity` npm package (RegExpMatcher with the
// English dataset and recommended transformers) on the same cases and texts as
// bench_lexicon.c. Usage: node bench/lexicon_peer.js CASES.tsv TEXTS.txt [SECONDS]
// Install: npm install --prefix bench obscenity (bench/package.json pins it).
'use strict';
const fs = require('fs');
const path = require('path');
const { RegExpMatcher, englishDataset, englishRecommendedTransformers } =
    require(path.join(__dirname, 'node_modules', 'obscenity'));

const [casesPath, textsPath, secsArg] = process.argv.slice(2);
const secs = secsArg ? parseFloat(secsArg) : 3;
const matcher = new RegExpMatcher({ ...englishDataset.build(), ...englishRecommendedTransformers });

let pos = 0, neg = 0, tp = 0, fp = 0;
for (const line of fs.readFileSync(casesPath, 'utf8').split('\n')) {
  const tab = line.indexOf('\t');
  if (tab < 0) continue;
  const kind = line.slice(0, tab), text = line.slice(tab + 1);
  const hit = matcher.hasMatch(text) ? 1 : 0;
  console.log(`case\t${kind}\t${hit}\t${text}`);
  if (kind === 'pos') { pos++; tp += hit; } else { neg++; fp += hit; }
}
console.log(`quality\tobscenity\trecall ${tp}/${pos}\tfalse_positives ${fp}/${neg}`);

const texts = fs.readFileSync(textsPath, 'utf8').split('\n').filter((t) => t.length);
const bytes = texts.reduce((a, t) => a + Buffer.byteLength(t), 0);
let rounds = 0, found = 0;
const t0 = process.cpuUsage();
const cpu = () => { const u = process.cpuUsage(t0); return (u.user + u.system) / 1e6; };
do {
  for (const t of texts) found += matcher.getAllMatches(t).length;
  rounds++;
} while (cpu() < secs);
const dt = cpu();
console.log(`throughput\tobscenity getAllMatches\t${(bytes * rounds / 1e6 / dt).toFixed(1)} MB/s\t` +
            `${Math.round(texts.length * rounds / dt)} texts/s\t(matches/round ${Math.round(found / rounds)})`);
