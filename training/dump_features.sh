#!/bin/sh
# Feature dumps for every episode of a corpus, with introdetect's own extractor.
#   sh training/dump_features.sh CORPUS_DIR DUMPS_DIR
# CORPUS_DIR holds labels.json (entries with "file" relative to it); writes DUMPS_DIR/<id>/.
# Episodes already dumped (meta.json present) are skipped, so it can be rerun.
set -eu
corpus=$1
dumps=$2
cd "$(dirname "$0")/.."
mkdir -p "$dumps"
/usr/bin/python3 -c '
import json, sys
for k, v in json.load(open(sys.argv[1])).items():
    if v.get("file"): print(k + "\t" + v["file"])
' "$corpus/labels.json" | while IFS="$(printf '\t')" read -r id file; do
  if [ -f "$dumps/$id/meta.json" ]; then continue; fi
  nice -n 10 npx tsx src/cli/main.ts features "$corpus/$file" --out "$dumps/$id.partial" 2>&1 \
    | grep -v '^npm warn' || true
  if [ -f "$dumps/$id.partial/meta.json" ]; then
    rm -rf "$dumps/$id"; mv "$dumps/$id.partial" "$dumps/$id"
  else
    echo "features failed for $id ($file)" >&2
  fi
done
