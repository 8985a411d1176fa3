#!/bin/sh
# Rebuilds www/vendor/prosemirror.js, the ProseMirror of the demo CMS page (www/demo.html), and its
# licence notices, from the prosemirror-* packages pinned in tests/e2e/package.json (npm ci) with
# esbuild (npx, the version below). Not run by `cargo xtask dist` nor by CI: the output is committed,
# so that dist/ works offline. Run from the repository root: sh www/vendor/build-prosemirror.sh
set -eu
cd "$(dirname "$0")/../../tests/e2e"
npm ci --no-audit --no-fund
out=../../www/vendor
# One ES module: the demo imports it, and its import map resolves the plugin's bare
# 'prosemirror-state' and 'prosemirror-view' to it too (one copy of each, as ProseMirror requires).
npx --yes esbuild@0.28.2 --bundle --format=esm --minify --legal-comments=none --target=es2022 \
  --outfile="$out/prosemirror.js" <<'ENTRY'
export * from 'prosemirror-state';
export * from 'prosemirror-view';
export * from 'prosemirror-model';
export { schema } from 'prosemirror-schema-basic';
export { history, undo, redo } from 'prosemirror-history';
export { keymap } from 'prosemirror-keymap';
export { baseKeymap } from 'prosemirror-commands';
ENTRY
cp node_modules/prosemirror-view/style/prosemirror.css "$out/prosemirror.css"
{
  echo "www/vendor/prosemirror.js bundles these npm packages (versions in tests/e2e/package-lock.json),"
  echo "each under the MIT licence; their notices follow."
  for package in prosemirror-state prosemirror-view prosemirror-model prosemirror-transform \
    prosemirror-schema-basic prosemirror-history prosemirror-keymap prosemirror-commands \
    orderedmap rope-sequence w3c-keyname; do
    version=$(node -p "require('./node_modules/$package/package.json').version")
    printf '\n===== %s %s =====\n\n' "$package" "$version"
    cat "node_modules/$package/LICENSE"
  done
} > "$out/prosemirror.LICENSE.txt"
