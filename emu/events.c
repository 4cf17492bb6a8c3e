#include "events.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const names[Ev_Count] = {
    [Ev_SysregWrite] = "sysreg_write",
    [Ev_TlbMaintenance] = "tlb_maintenance",
    [Ev_CacheMaintenance] = "cache_maintenance",
    [Ev_AddressTranslation] = "address_translation",
    [Ev_MmuEnable] = "mmu_enable",
    [Ev_MmuDisable] = "mmu_disable",
    [Ev_FirstTranslatedFetch] = "first_translated_fetch",
    [Ev_Exception] = "exception",
    [Ev_Psci] = "psci",
    [Ev_StaleTlbHit] = "stale_tlb_hit",
    [Ev_TlbPermissionFault] = "tlb_permission_fault",
    [Ev_BusError] = "bus_error",
    [Ev_Error] = "error",
    [Ev_ConsoleLine] = "console_line",
};

const char *event_kind_name(EventKind k)
{
    return k < Ev_Count ? names[k] : "unknown";
}

int event_kind_from_name(const char *name)
{
    for (int k = 0; k < Ev_Count; k++)
        if (!strcmp(names[k], name))
            return k;
    return -1;
}

void event_emit(EventSink *s, EventKind k, uint64_t pc, uint64_t insn, const char *fields, ...)
{
    s->count[k]++;
    if (s->ring && s->ring_cap && (s->ring_mask >> k & 1u)) {
        EventRecord *e = &s->ring[s->ring_total++ % s->ring_cap];
        e->kind = k;
        e->pc = pc;
        e->insn = insn;
        e->fields[0] = 0;
        if (fields) {
            va_list ap;
            va_start(ap, fields);
            vsnprintf(e->fields, sizeof e->fields, fields, ap);
            va_end(ap);
        }
    }
    if (s->tap && !(s->tap_skip >> k & 1)) {
        va_list tap_ap;
        va_start(tap_ap, fields);
        s->tap(s->tap_ctx, (int)k, pc, insn, fields, tap_ap);
        va_end(tap_ap);
    }
    if (!s->out || (s->skip >> k & 1))
        return;
    int r = fprintf(s->out, "{\"kind\":\"%s\",\"pc\":\"0x%llx\",\"insn\":%llu", names[k],
                    (unsigned long long)pc, (unsigned long long)insn);
    if (fields) {
        va_list ap;
        va_start(ap, fields);
        fputc(',', s->out);
        vfprintf(s->out, fields, ap);
        va_end(ap);
    }
    if (fputs("}\n", s->out) < 0 || r < 0)
        s->write_failed = true;
}

void json_escape(char *buf, size_t n, const char *text)
{
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p && o + 7 < n; p++) {
        if (*p == '"' || *p == '\\') {
            buf[o++] = '\\';
            buf[o++] = (char)*p;
        } else if (*p < 0x20) {
            o += (size_t)snprintf(buf + o, n - o, "\\u%04x", *p);
        } else {
            buf[o++] = (char)*p;
        }
    }
    buf[o] = 0;
}
