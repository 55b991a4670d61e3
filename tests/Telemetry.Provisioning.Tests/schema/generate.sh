#!/usr/bin/env bash
# Regenerates grafana-dashboard.schema.json from the dashboard model that @grafana/schema ships as
# TypeScript (dist/types/raw/dashboard/x/types.gen.d.ts, interface Dashboard: the classic JSON model
# that file provisioning reads). Objects are closed (additionalProperties: false) except where the
# model has an index signature (panel options, custom field config, targets), so a misspelt key fails.
set -euo pipefail
cd "$(dirname "$0")"
npm install --no-audit --no-fund --no-save >/dev/null
npx --no-install ts-json-schema-generator \
  --path node_modules/@grafana/schema/dist/types/raw/dashboard/x/types.gen.d.ts \
  --type Dashboard --no-type-check \
  -o grafana-dashboard.schema.json
echo "wrote $(pwd)/grafana-dashboard.schema.json from @grafana/schema $(node -p "require('@grafana/schema/package.json').version")"
