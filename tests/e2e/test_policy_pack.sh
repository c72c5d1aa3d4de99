#!/bin/sh
# The default policy pack compiles cleanly (no errors, no warnings) against
# the signals the shipped configuration really produces, and its own tests
# (policies/tests/) pass; also against the built-in schema.
set -eu
BUILD=${BUILD:-build}
M="$BUILD/moderato"
"$M" policy --config config/default.json check --werror policies/default.yaml
"$M" policy --config config/default.json test --quiet policies/tests
"$M" policy check --werror policies/default.yaml
"$M" policy test --quiet policies/tests
