#!/usr/bin/env bash
# Lints the fixtures to SARIF and validates the log with Microsoft's SARIF
# multitool (`validate` checks the SARIF 2.1.0 JSON schema and SARIF rules).
set -euo pipefail
# The multitool is a self-contained .NET program: do not require libicu on the machine.
export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1
MCP_LINT="$1"; MULTITOOL="$2"; SRC="$3"; OUT="$4"
cd "$SRC"
"$MCP_LINT" fixtures --format sarif -o "$OUT/fixtures.sarif" --fail-on none -q
# multitool 5.x has no --force: it refuses to overwrite, so remove the old log.
rm -f "$OUT/fixtures.validation.sarif"
"$MULTITOOL" validate "$OUT/fixtures.sarif" --output "$OUT/fixtures.validation.sarif"
# node from the same node_modules/.bin as the multitool when there is one.
NODE=node
[ -x "$(dirname "$MULTITOOL")/node" ] && NODE="$(dirname "$MULTITOOL")/node"
# The validation log must contain no error-level result.
"$NODE" -e '
  const log = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const errors = log.runs.flatMap(r => r.results || []).filter(r => (r.level || "warning") === "error");
  for (const e of errors) console.error(e.ruleId, e.message && e.message.text);
  process.exit(errors.length ? 1 : 0);
' "$OUT/fixtures.validation.sarif"
