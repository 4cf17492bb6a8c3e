/* MMU event stream: JSON Lines, one object per event, plus per-kind counts for --stats. */
#ifndef EMU_EVENTS_H
#define EMU_EVENTS_H
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef enum EventKind {
    Ev_SysregWrite,
    Ev_TlbMaintenance,
    Ev_CacheMaintenance,
    Ev_AddressTranslation,
    Ev_MmuEnable,
    Ev_MmuDisable,
    Ev_FirstTranslatedFetch,
    Ev_Exception,
    Ev_Psci,
    Ev_StaleTlbHit,
    Ev_TlbPermissionFault,
    Ev_BusError,
    Ev_Error,
    Ev_ConsoleLine, /* a line the guest wrote to the UART, with the instruction count */
    Ev_Count
} EventKind;

/* One event as the in-memory ring keeps it (for the map's timeline). */
typedef struct EventRecord {
    EventKind kind;
    uint64_t pc, insn;
    char fields[224];    /* the event's extra members, as written to the JSON line */
} EventRecord;

typedef struct EventSink {
    FILE *out;       /* NULL: count only */
    uint32_t skip;   /* kinds (bit per EventKind) counted but not written (--events-only) */
    uint64_t count[Ev_Count];
    bool write_failed;
    /* optional ring of the newest events (ring NULL: none): the kinds whose bit is set in
     * ring_mask are kept, ring_total counts them, the newest is ring[(ring_total - 1) % ring_cap] */
    EventRecord *ring;
    unsigned ring_cap;
    uint32_t ring_mask;
    uint64_t ring_total;
    /* a second consumer of every event (the trace recorder), or NULL */
    void (*tap)(void *ctx, int kind, uint64_t pc, uint64_t insn, const char *fields, va_list ap);
    void *tap_ctx;
    uint32_t tap_skip; /* kinds (bit per EventKind) not given to the tap */
} EventSink;

const char *event_kind_name(EventKind k);
/* Is an event of kind k written (not only counted)? */
static inline bool event_wanted(const EventSink *s, EventKind k)
{
    return (s->out && !(s->skip >> k & 1)) || (s->ring && (s->ring_mask >> k & 1u)) ||
           (s->tap && !(s->tap_skip >> k & 1));
}

/* The kind named `name`, or -1. */
int event_kind_from_name(const char *name);

/* Writes one event. `fields` is a printf format for the extra members, already in JSON
 * (e.g. "\"reg\":\"SCTLR\",\"value\":\"0x%08x\""), or NULL. */
void event_emit(EventSink *s, EventKind k, uint64_t pc, uint64_t insn, const char *fields, ...)
    __attribute__((format(printf, 5, 6)));

/* Writes `text` as a JSON string body (escaped) into buf. */
void json_escape(char *buf, size_t n, const char *text);

#endif
