/* The address-space map's options, trigger points, snapshots and live window.
 *
 * --snapshot WHEN --png FILE: WHEN is exit, mmu_enable, pc:ADDR or insn:N (repeatable). Give
 * one --png per --snapshot (paired in order), or one --png for several snapshots: they are
 * numbered FILE-1.png, FILE-2.png ... in --snapshot order. Each PNG is written to FILE.part
 * and renamed when complete. --png-layout also writes FILE.json: where each region, PA range
 * and legend entry is in the picture, for tests and scripts. --png-hover VA
 * draws the box the live window shows when the mouse is on the region holding VA.
 *
 * --map: the live window. The guest runs on a second thread; at each block boundary it looks
 * at two flags the window sets (a snapshot is wanted, the run is paused) and, when asked,
 * copies a consistent snapshot under a mutex. The window redraws from the newest snapshot at
 * up to 60 fps, so emulation is not tied to the frame rate. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "map.h"

static MapRenderer g_mr;
static bool g_mr_ok, g_sdl_video;
static EventRecord g_ring[64];
static char g_title[200];

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

bool map_active(const MapOptions *o)
{
    return o->nsnap > 0 || o->npng > 0 || o->live;
}

bool map_add_when(MapOptions *o, const char *w)
{
    if (o->nsnap == MAP_MAX_SNAPSHOTS) {
        cli_error("--snapshot: more than %d snapshots", MAP_MAX_SNAPSHOTS);
        return false;
    }
    int i = o->nsnap;
    o->when_arg[i] = w;
    if (!strcmp(w, "exit")) {
        o->when[i] = When_Exit;
    } else if (!strcmp(w, "mmu_enable")) {
        o->when[i] = When_MmuEnable;
    } else if (!strncmp(w, "pc:", 3) && cli_parse_u64(w + 3, &o->when_value[i])) {
        o->when[i] = When_Pc;
    } else if (!strncmp(w, "insn:", 5) && cli_parse_u64(w + 5, &o->when_value[i])) {
        o->when[i] = When_Insn;
    } else {
        cli_error("--snapshot '%s': WHEN is exit, mmu_enable, pc:ADDR or insn:N", w);
        return false;
    }
    o->nsnap++;
    return true;
}

/* Can path be created? Tries PATH.part (what will be written first) and removes it. */
static bool writable(const char *path)
{
    char tmp[1100];
    snprintf(tmp, sizeof tmp, "%s.part", path);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        cli_error("%s: cannot write: %s", path, strerror(errno));
        return false;
    }
    fclose(f);
    unlink(tmp);
    return true;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* The entry grid of one structure: size, non-global and recency rank of each entry. */
static void tlb_cells(const TlbStruct *t, MapTlbInfo *ti)
{
    static uint64_t stamps[MAP_TLB_CELLS], sorted[MAP_TLB_CELLS];
    unsigned n = ti->entries < MAP_TLB_CELLS ? ti->entries : MAP_TLB_CELLS, nv = 0;
    for (unsigned i = 0; i < n; i++) {
        TlbEntryView v;
        ti->cell_shift[i] = 0;
        if (!tlb_struct_entry(t, i, &v, &stamps[i]))
            continue;
        unsigned sh = 0;
        while (sh < 63 && (1ull << sh) < v.size)
            sh++;
        ti->cell_shift[i] = (uint8_t)(sh ? sh : 1);
        ti->cell_ng[i] = !v.global;
        sorted[nv++] = stamps[i];
    }
    qsort(sorted, nv, sizeof *sorted, cmp_u64);
    for (unsigned i = 0; i < n; i++) {
        if (!ti->cell_shift[i])
            continue;
        unsigned lo = 0, hi = nv; /* rank of stamps[i] among the valid entries, newest = nv - 1 */
        while (lo < hi) {
            unsigned mid = (lo + hi) / 2;
            if (sorted[mid] < stamps[i])
                lo = mid + 1;
            else
                hi = mid;
        }
        ti->cell_age[i] = (uint8_t)(nv > 1 ? (uint64_t)(nv - 1 - lo) * 255 / (nv - 1) : 0);
    }
}

static void layout_path(const char *png, char *out, size_t n)
{
    size_t l = strlen(png);
    if (l > 4 && !strcmp(png + l - 4, ".png"))
        snprintf(out, n, "%.*s.json", (int)(l - 4), png);
    else
        snprintf(out, n, "%s.json", png);
}

bool map_check(MapOptions *o)
{
    if (o->nsnap && !o->npng) {
        cli_error("--snapshot needs --png FILE");
        return false;
    }
    if (o->npng && !o->nsnap) {
        cli_error("--png needs --snapshot WHEN (exit, mmu_enable, pc:ADDR or insn:N)");
        return false;
    }
    if (o->npng != o->nsnap && o->npng != 1) {
        cli_error("%d --snapshot but %d --png: give one --png per --snapshot, or one --png for all (numbered FILE-1.png, FILE-2.png ...)",
                  o->nsnap, o->npng);
        return false;
    }
    for (int i = 0; i < o->nsnap; i++) {
        if (o->npng == o->nsnap || o->nsnap == 1) {
            snprintf(o->out[i], sizeof o->out[i], "%s", o->png[o->npng == 1 ? 0 : i]);
        } else {
            const char *p = o->png[0];
            size_t l = strlen(p);
            if (l > 4 && !strcmp(p + l - 4, ".png"))
                snprintf(o->out[i], sizeof o->out[i], "%.*s-%d.png", (int)(l - 4), p, i + 1);
            else
                snprintf(o->out[i], sizeof o->out[i], "%s-%d", p, i + 1);
        }
        for (int j = 0; j < i; j++)
            if (!strcmp(o->out[i], o->out[j])) {
                cli_error("--png %s is given for two snapshots", o->out[i]);
                return false;
            }
        if (!writable(o->out[i]))
            return false;
        if (o->layout) {
            char lp[1100];
            layout_path(o->out[i], lp, sizeof lp);
            if (!writable(lp))
                return false;
        }
    }
    if (o->layout && !o->nsnap) {
        cli_error("--png-layout needs --snapshot WHEN --png FILE");
        return false;
    }
    if (o->has_hover && !o->nsnap) {
        cli_error("--png-hover needs --snapshot WHEN --png FILE");
        return false;
    }
    if (o->max_frames && !o->live) {
        cli_error("--map-frames needs --map");
        return false;
    }
    if (!map_active(o))
        return true;
    if (access(MAP_FONT, R_OK) != 0 || access(MAP_FONT_BOLD, R_OK) != 0) {
        cli_error("%s: cannot read the font (install Debian's fonts-dejavu-core)", MAP_FONT);
        return false;
    }
    if (o->live) {
        const char *d = getenv("DISPLAY"), *wl = getenv("WAYLAND_DISPLAY");
        if ((!d || !*d) && (!wl || !*wl)) {
            cli_error("--map needs a display and DISPLAY is not set (render without one: --snapshot WHEN --png FILE)");
            return false;
        }
        /* only a real display: without this SDL falls back to KMS/DRM or offscreen drivers
         * when the X server is not there, and the window would be nowhere (SDL_VIDEODRIVER,
         * when set, still wins) */
        if (!getenv("SDL_VIDEODRIVER"))
            SDL_SetHint(SDL_HINT_VIDEODRIVER, wl && *wl ? "wayland,x11" : "x11");
        if (SDL_Init(SDL_INIT_VIDEO) != 0) {
            cli_error("--map: cannot open the display '%s': %s", d && *d ? d : wl, SDL_GetError());
            return false;
        }
        g_sdl_video = true;
    }
    char err[256];
    if (!map_renderer_init(&g_mr, err, sizeof err)) {
        cli_error("%s", err);
        return false;
    }
    g_mr_ok = true;
    return true;
}

/* ---- snapshots ---- */

void map_snap_free(MapSnap *s)
{
    addrspace_free(&s->as);
}

void map_snap_take(MapSnap *s, Machine *m, const EventSink *ev, const char *title, const char *trigger)
{
    double t0 = now_s();
    addrspace_free(&s->as);
    memset(s, 0, sizeof *s);
    snprintf(s->title, sizeof s->title, "%s", title);
    snprintf(s->trigger, sizeof s->trigger, "%s", trigger);
    MachineView v;
    machine_view(m, &v);
    s->regs = v.regs;
    s->a64 = v.a64;
    s->as_ok = addrspace_build(&v.regs, v.pm, &s->as, s->as_err, sizeof s->as_err);
    s->pc = v.pc;
    s->insns = v.insns;
    s->insns_mmu_on = v.insns_mmu_on;
    s->blocks = v.blocks;
    s->exceptions = v.exceptions;
    s->ram_base = v.ram_base;
    s->ram_size = v.ram_size;
    s->uart_base = v.uart_base;
    for (int i = 0; i < v.pm->n; i++) {
        s->pm_base[i] = v.pm->r[i].base;
        s->pm_size[i] = v.pm->r[i].size;
    }
    s->pm_n = v.pm->n;
    if (v.tlb) {
        static const char *const names[] = {"itlb", "dtlb", "dtlb_load", "dtlb_store", "main_tlb",
                                            "main_tlb2", "main_tlb3", "walk_cache", "ipa_cache"};
        s->have_tlb = true;
        snprintf(s->core, sizeof s->core, "%s", tlb_model_config(v.tlb)->name);
        s->cycles = tlb_cycles(v.tlb);
        for (size_t i = 0; i < sizeof names / sizeof *names && s->ntlb < MAP_MAX_TLB; i++) {
            TlbStruct *t = tlb_model_struct(v.tlb, names[i]);
            if (!t)
                continue;
            MapTlbInfo *ti = &s->tlb[s->ntlb++];
            const TlbStructConfig *c = tlb_struct_config(t);
            const TlbStructStats *st = tlb_struct_stats(t);
            snprintf(ti->name, sizeof ti->name, "%s", names[i]);
            ti->entries = c->entries;
            ti->ways = c->ways;
            ti->valid = tlb_struct_valid_count(t);
            ti->lookups = st->lookups;
            ti->hits = st->hits;
            ti->misses = st->misses;
            tlb_cells(t, ti);
        }
    }
    if (v.tlb)
        s->walks = tlb_walk_stats(v.tlb).walks;
    if (ev->ring && ev->ring_cap) {
        s->ev_total = ev->ring_total;
        for (uint64_t i = 0; i < ev->ring_total && i < ev->ring_cap && s->nev < MAP_EVENTS; i++)
            s->ev[s->nev++] = ev->ring[(ev->ring_total - 1 - i) % ev->ring_cap];
    }
    s->build_ms = (now_s() - t0) * 1e3;
}

typedef struct SnapCtx {
    MapOptions *o;
    int i;
    EventSink *sink;
} SnapCtx;

static SnapCtx g_ctx[MAP_MAX_SNAPSHOTS];
static MapSnap g_snap;

static void write_snapshot(MapOptions *o, int i, Machine *m, EventSink *sink)
{
    char trig[96], err[1200], lp[1100];
    snprintf(trig, sizeof trig, "snapshot %s", o->when_arg[i]);
    map_snap_take(&g_snap, m, sink, g_title, trig);
    layout_path(o->out[i], lp, sizeof lp);
    double ms = 0;
    if (!map_write_png(&g_mr, &g_snap, o->out[i], o->layout ? lp : NULL, o->has_hover ? &o->hover_va : NULL, &ms, err,
                       sizeof err)) {
        cli_error("%s", err);
        o->failed++;
    } else {
        fprintf(stderr, "mmuscope: snapshot %s at pc 0x%llx, insn %llu: %s (%d regions, %d table pages; snapshot %.1f ms, render %.1f ms)\n",
                o->when_arg[i], (unsigned long long)g_snap.pc, (unsigned long long)g_snap.insns, o->out[i],
                g_snap.as.nregions, g_snap.as.ntables, g_snap.build_ms, ms);
        if (!g_snap.as_ok)
            fprintf(stderr, "mmuscope: snapshot %s: tables: %s\n", o->when_arg[i], g_snap.as_err);
    }
    o->done[i] = true;
}

static void on_snapshot(Machine *m, void *ctx)
{
    SnapCtx *c = ctx;
    write_snapshot(c->o, c->i, m, c->sink);
}

/* ---- live window ---- */
typedef struct Live {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    MapSnap snaps[3];
    MapSnap *front, *ready, *back;  /* UI draws front; emu fills back; ready is the newest complete one */
    bool have_ready;
    atomic_bool want, paused, quit, finished;
    atomic_int step;
    Machine *m;
    EventSink *sink;
    RunStats *st;
    uint64_t snaps_taken;
    double snap_ms;
} Live;

static Live g_live;

static void live_publish(Live *l, const char *trigger)
{
    map_snap_take(l->back, l->m, l->sink, g_title, trigger);
    l->snap_ms += l->back->build_ms;
    l->snaps_taken++;
    pthread_mutex_lock(&l->mu);
    MapSnap *t = l->ready;
    l->ready = l->back;
    l->back = t;
    l->have_ready = true;
    pthread_mutex_unlock(&l->mu);
    atomic_store(&l->want, false);
}

static void on_block_live(Machine *m, void *ctx)
{
    Live *l = ctx;
    if (atomic_load(&l->quit)) {
        machine_request_stop(m, "quit from the map window");
        return;
    }
    if (atomic_load(&l->want))
        live_publish(l, "live");
    while (atomic_load(&l->paused) && !atomic_load(&l->quit)) {
        if (atomic_load(&l->step) > 0) {
            atomic_fetch_sub(&l->step, 1);
            break; /* run this block; the next boundary pauses again */
        }
        if (atomic_load(&l->want))
            live_publish(l, "live (paused)");
        pthread_mutex_lock(&l->mu);
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 10 * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&l->cv, &l->mu, &ts);
        pthread_mutex_unlock(&l->mu);
    }
    if (atomic_load(&l->quit))
        machine_request_stop(m, "quit from the map window");
}

static void *emu_thread(void *arg)
{
    Live *l = arg;
    machine_run(l->m, l->st);
    live_publish(l, "guest finished");
    atomic_store(&l->finished, true);
    return NULL;
}

static void live_run(MapOptions *o, Machine *m, RunStats *st)
{
    Live *l = &g_live;
    pthread_mutex_init(&l->mu, NULL);
    pthread_cond_init(&l->cv, NULL);
    l->front = &l->snaps[0];
    l->ready = &l->snaps[1];
    l->back = &l->snaps[2];
    l->m = m;
    l->st = st;
    atomic_store(&l->want, true);
    SDL_Window *win = SDL_CreateWindow(g_title, SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED, MAP_WIDTH, MAP_HEIGHT,
                                       SDL_WINDOW_RESIZABLE);
    SDL_Renderer *rd = win ? SDL_CreateRenderer(win, -1, SDL_RENDERER_ACCELERATED) : NULL;
    if (win && !rd)
        rd = SDL_CreateRenderer(win, -1, SDL_RENDERER_SOFTWARE);
    if (!rd) {
        cli_error("--map: cannot open a window: %s", SDL_GetError());
        if (win)
            SDL_DestroyWindow(win);
        memset(st, 0, sizeof *st);
        st->reason = Exit_EngineError;
        snprintf(st->message, sizeof st->message, "no window");
        return;
    }
    pthread_t th;
    pthread_create(&th, NULL, emu_thread, l);
    MapViewState vs = {.zoom = {1, 1}, .live = true, .mouse_x = -1, .mouse_y = -1};
    static MapLayout lay;
    bool have_front = false, joined = false;
    uint64_t frames_running = 0;
    double t_start = now_s(), t_last = t_start, render_total = 0, fps_t = t_start;
    uint64_t fps_frames = 0;
    for (;;) {
        double frame_t0 = now_s();
        SDL_Event e;
        while (SDL_PollEvent(&e)) {
            if (e.type == SDL_QUIT) {
                atomic_store(&l->quit, true);
            } else if (e.type == SDL_MOUSEMOTION) {
                vs.mouse_x = e.motion.x;
                vs.mouse_y = e.motion.y;
            } else if (e.type == SDL_KEYDOWN) {
                SDL_Keycode k = e.key.keysym.sym;
                if (k == SDLK_q || k == SDLK_ESCAPE)
                    atomic_store(&l->quit, true);
                else if (k == SDLK_SPACE)
                    atomic_store(&l->paused, !atomic_load(&l->paused));
                else if (k == SDLK_s) {
                    atomic_store(&l->paused, true);
                    atomic_fetch_add(&l->step, 1);
                    atomic_store(&l->want, true);
                } else if (k == SDLK_PLUS || k == SDLK_EQUALS || k == SDLK_KP_PLUS)
                    vs.zoom[vs.focus] *= 1.25;
                else if ((k == SDLK_MINUS || k == SDLK_KP_MINUS) && vs.zoom[vs.focus] > 0.2)
                    vs.zoom[vs.focus] /= 1.25;
                else if (k == SDLK_UP)
                    vs.pan[vs.focus] -= 60;
                else if (k == SDLK_DOWN)
                    vs.pan[vs.focus] += 60;
                else if (k == SDLK_LEFT || k == SDLK_RIGHT)
                    vs.focus = !vs.focus;
                else if (k == SDLK_TAB) { /* highlight the other half and scroll the VA column to it */
                    vs.ttbr_sel = !vs.ttbr_sel;
                    if (have_front && lay.ttbr_y[vs.ttbr_sel] >= 0)
                        vs.pan[0] += lay.ttbr_y[vs.ttbr_sel] - lay.va_top;
                }
                else if (k == SDLK_m)
                    vs.focus = !vs.focus;
            }
        }
        pthread_mutex_lock(&l->mu);
        if (l->have_ready) {
            MapSnap *t = l->front;
            l->front = l->ready;
            l->ready = t;
            l->have_ready = false;
            have_front = true;
        }
        pthread_cond_signal(&l->cv);
        pthread_mutex_unlock(&l->mu);
        bool fin = atomic_load(&l->finished);
        atomic_store(&l->want, true);
        vs.paused = atomic_load(&l->paused);
        vs.finished = fin;
        if (have_front && !atomic_load(&l->quit)) {
            double r0 = now_s();
            int w, h;
            SDL_GetRendererOutputSize(rd, &w, &h);
            map_draw(&g_mr, rd, w, h, l->front, &vs, &lay);
            SDL_RenderPresent(rd);
            render_total += now_s() - r0;
            vs.frames++;
            fps_frames++;
            if (!fin)
                frames_running++;
        }
        double t = now_s();
        if (t - fps_t >= 0.5) {
            vs.fps = fps_frames / (t - fps_t);
            fps_t = t;
            fps_frames = 0;
        }
        if (o->max_frames && vs.frames >= o->max_frames)
            atomic_store(&l->quit, true);
        if (atomic_load(&l->quit) && fin)
            break;
        /* pace to ~60 fps */
        double spent = now_s() - frame_t0;
        if (spent < 1.0 / 60)
            SDL_Delay((Uint32)((1.0 / 60 - spent) * 1000));
        t_last = now_s();
    }
    pthread_join(th, NULL);
    joined = true;
    (void)joined;
    double total = t_last - t_start;
    fprintf(stderr,
            "mmuscope: map: %llu frames in %.2f s (%.1f fps), %llu while the guest ran; render %.2f ms/frame, snapshot %.2f ms (%llu taken)\n",
            (unsigned long long)vs.frames, total, total > 0 ? vs.frames / total : 0.0, (unsigned long long)frames_running,
            vs.frames ? render_total * 1e3 / vs.frames : 0.0, l->snaps_taken ? l->snap_ms / l->snaps_taken : 0.0,
            (unsigned long long)l->snaps_taken);
    map_text_cache_release();
    SDL_DestroyRenderer(rd);
    SDL_DestroyWindow(win);
    for (int i = 0; i < 3; i++)
        map_snap_free(&l->snaps[i]);
    pthread_cond_destroy(&l->cv);
    pthread_mutex_destroy(&l->mu);
}

bool map_prepare(MapOptions *o, Machine *m, EventSink *sink, const char *image)
{
    if (!map_active(o))
        return true;
    sink->ring = g_ring;
    sink->ring_cap = sizeof g_ring / sizeof *g_ring;
    sink->ring_mask = ~(1u << Ev_CacheMaintenance | 1u << Ev_ConsoleLine); /* MMU events only */
    const char *base = strrchr(image, '/');
    base = base ? base + 1 : image;
    MachineView v;
    machine_view(m, &v);
    snprintf(g_title, sizeof g_title, "mmuscope map: %s on %s (%s)", base, v.machine, v.cpu);
    char err[256];
    for (int i = 0; i < o->nsnap; i++) {
        g_ctx[i] = (SnapCtx){.o = o, .i = i, .sink = sink};
        static const WatchKind kinds[] = {[When_MmuEnable] = Watch_MmuEnable, [When_Pc] = Watch_Pc, [When_Insn] = Watch_Insn};
        if (o->when[i] == When_Exit)
            continue;
        if (!machine_add_watch(m, kinds[o->when[i]], o->when_value[i], on_snapshot, &g_ctx[i], err, sizeof err)) {
            cli_error("--snapshot %s: %s", o->when_arg[i], err);
            return false;
        }
    }
    if (o->live) {
        g_live.sink = sink;
        if (!machine_add_watch(m, Watch_Block, 0, on_block_live, &g_live, err, sizeof err)) {
            cli_error("--map: %s", err);
            return false;
        }
    }
    return true;
}

void map_run(MapOptions *o, Machine *m, RunStats *st)
{
    if (o->live)
        live_run(o, m, st);
    else
        machine_run(m, st);
}

bool map_finish(MapOptions *o, Machine *m, EventSink *sink)
{
    if (!map_active(o))
        return true;
    bool ok = true;
    for (int i = 0; i < o->nsnap; i++) {
        if (o->when[i] == When_Exit && !o->done[i])
            write_snapshot(o, i, m, sink);
        if (!o->done[i]) {
            cli_error("--snapshot %s: never reached; %s not written", o->when_arg[i], o->out[i]);
            ok = false;
        }
    }
    if (o->failed)
        ok = false;
    map_snap_free(&g_snap);
    sink->ring = NULL;
    if (g_mr_ok)
        map_renderer_free(&g_mr);
    g_mr_ok = false;
    TTF_Quit();
    /* SDL_Quit is left to process exit when the window was used: Debian's SDL2 loads libX11
     * with dlopen and would unload it in SDL_Quit, turning libX11's and libdbus's process-long
     * allocations into unattributable "leaks" under LeakSanitizer. The window, renderer and
     * textures are all destroyed above. */
    if (!g_sdl_video)
        SDL_Quit();
    return ok;
}
