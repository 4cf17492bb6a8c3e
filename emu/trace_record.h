/* Recording a translation trace during a run (`mmuscope run --trace FILE`): the input of the
 * TLB model (docs/trace-format.md). Frontends see only this; no engine types. */
#ifndef EMU_TRACE_RECORD_H
#define EMU_TRACE_RECORD_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "machine.h"

/* Starts recording into f (the caller owns f). Needs the TLB model (not --core none).
 * image: the file whose SHA-256 goes into the header. */
bool machine_trace_start(Machine *m, FILE *f, const char *image, char *err, size_t errlen);
/* Writes the last chunk and the end marker (complete = true) or drops the recorder; returns
 * false when a write failed. Prints nothing. */
bool machine_trace_finish(Machine *m, bool complete, char *err, size_t errlen);

#endif
