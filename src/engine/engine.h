/*
 * engine.h -- the engine layer's interface for the CLI and server beyond the
 * public mo_engine_* calls: the field schema a configuration produces, so
 * `moderato policy check|test` type-check against the signals the engine
 * really emits. May use every lower layer.
 */
#ifndef MO_ENGINE_H
#define MO_ENGINE_H

#include "policy/policy.h"

/* Loads the configuration's model and detectors (not its policy) and returns
 * the schema a policy is compiled against: clf.<label>, every detector
 * signal, then the item/author context fields. *fields is the caller's,
 * freed with mo__engine_schema_free. Errors as mo_engine_open. */
int mo__engine_schema(const char *config_path, mo_field_def **fields, size_t *n_fields,
                      mo_diag *diag);
void mo__engine_schema_free(mo_field_def *fields, size_t n_fields);

#endif /* MO_ENGINE_H */
