/* The address-space map: PNG snapshots (--snapshot WHEN --png FILE) and the live SDL window
 * (--map). map.c: options, trigger points, snapshots, the live loop; map_render.c: drawing. */
#ifndef FRONTENDS_MAP_H
#define FRONTENDS_MAP_H
#include <SDL.h>
#include <SDL_ttf.h>
#include <stdbool.h>
#include <stdint.h>

#include "emu/machine.h"
#include "mmu/addrspace.h"

#define MAP_MAX_SNAPSHOTS 16
#define MAP_EVENTS 24
#define MAP_MAX_TLB 10

typedef enum MapWhen { When_Exit, When_MmuEnable, When_Pc, When_Insn } MapWhen;

typedef struct MapOptions {
    const char *when_arg[MAP_MAX_SNAPSHOTS];
    MapWhen when[MAP_MAX_SNAPSHOTS];
    uint64_t when_value[MAP_MAX_SNAPSHOTS];
    int nsnap;
    const char *png[MAP_MAX_SNAPSHOTS];
    int npng;
    char out[MAP_MAX_SNAPSHOTS][1024];  /* the file of each snapshot (after naming) */
    bool done[MAP_MAX_SNAPSHOTS];
    bool layout;          /* --png-layout: FILE.json beside each PNG */
    bool has_hover;       /* --png-hover VA: draw the hover box of the region holding VA */
    uint64_t hover_va;
    bool live;            /* --map */
    uint64_t max_frames;  /* --map-frames N: close the window after N frames (0: on q) */
    int failed;           /* snapshots that could not be written */
} MapOptions;

#define MAP_TLB_CELLS 1024 /* entries drawn per structure (the grid) */
typedef struct MapTlbInfo {
    char name[16];
    unsigned entries, ways, valid;
    uint64_t lookups, hits, misses;
    /* per entry, set-major: log2 of the mapping size (0: invalid), recency (0 newest..255
     * oldest, by rank among the valid entries), non-global */
    uint8_t cell_shift[MAP_TLB_CELLS], cell_age[MAP_TLB_CELLS];
    bool cell_ng[MAP_TLB_CELLS];
} MapTlbInfo;

/* A consistent copy of everything the view shows, taken at a block boundary. */
typedef struct MapSnap {
    char title[200], trigger[96];
    AsRegs regs;
    bool a64;
    AddrSpace as;
    bool as_ok;
    char as_err[256];
    uint64_t pc, insns, insns_mmu_on, blocks, exceptions;
    bool have_tlb;
    char core[32];
    uint64_t cycles, walks;
    MapTlbInfo tlb[MAP_MAX_TLB];
    int ntlb;
    EventRecord ev[MAP_EVENTS];   /* newest first */
    int nev;
    uint64_t ev_total;
    uint64_t ram_base, ram_size, uart_base;
    uint64_t pm_base[PHYSMEM_MAX_REGIONS], pm_size[PHYSMEM_MAX_REGIONS];
    int pm_n;
    double build_ms;              /* time to take this snapshot */
} MapSnap;

/* ---- map.c (called by cmd_run) ---- */
/* Parses one --snapshot WHEN; false (with a one-line error printed) when WHEN is bad. */
bool map_add_when(MapOptions *o, const char *when);
/* Checks the options before anything runs: snapshot/PNG pairing, writable PNG paths, fonts,
 * a display for --map. Prints one line and returns false on a problem. */
bool map_check(MapOptions *o);
/* Registers the trigger points and the event ring. */
bool map_prepare(MapOptions *o, Machine *m, EventSink *sink, const char *image);
/* Runs the machine: plain machine_run, or with the live window. */
void map_run(MapOptions *o, Machine *m, RunStats *st);
/* The exit snapshots; reports triggers never reached. false when a snapshot is missing. */
bool map_finish(MapOptions *o, Machine *m, EventSink *sink);
bool map_active(const MapOptions *o);

/* ---- map_snap (map.c) ---- */
void map_snap_take(MapSnap *s, Machine *m, const EventSink *ev, const char *title, const char *trigger);
void map_snap_free(MapSnap *s);

/* ---- map_render.c ---- */
typedef struct MapViewState {
    double zoom[2];       /* VA, PA column zoom (1 = fit) */
    int pan[2];           /* pixels scrolled */
    int focus;            /* 0 VA, 1 PA: what +/- and the arrows move */
    int ttbr_sel;         /* 0 / 1: the TTBR half highlighted (tab) */
    int mouse_x, mouse_y; /* hover (-1: none) */
    bool live, paused, finished;
    double fps;
    uint64_t frames;
} MapViewState;

#define MAP_LAYOUT_MAX 512
typedef struct MapRect {
    int x, y, w, h;
} MapRect;
typedef struct MapLayout {
    int nregion;
    int region_index[MAP_LAYOUT_MAX];  /* index in snap->as.regions */
    MapRect region_box[MAP_LAYOUT_MAX];
    MapRect region_swatch[MAP_LAYOUT_MAX]; /* part of the box with no text on it */
    SDL_Color region_color[MAP_LAYOUT_MAX];
    int npa;
    uint64_t pa_lo[MAP_LAYOUT_MAX], pa_hi[MAP_LAYOUT_MAX];
    MapRect pa_box[MAP_LAYOUT_MAX];
    char pa_kind[MAP_LAYOUT_MAX][8];   /* "ram", "device", "none" */
    int ntable;
    uint64_t table_pa[MAP_LAYOUT_MAX];
    MapRect table_box[MAP_LAYOUT_MAX];  /* in the table tree */
    int ttbr_y[2];                     /* y of the TTBR0 / TTBR1 header rows as drawn (-1: none) */
    int va_top;                        /* y where the VA rows start */
    int nlegend;
    char legend_label[16][40];
    SDL_Color legend_color[16];
    MapRect legend_box[16];
} MapLayout;

typedef struct MapRenderer {
    TTF_Font *font, *small, *bold;
} MapRenderer;

/* Frees the textures cached for the current renderer (call before destroying it). */
void map_text_cache_release(void);
bool map_renderer_init(MapRenderer *r, char *err, size_t errlen);
void map_renderer_free(MapRenderer *r);
void map_draw(MapRenderer *mr, SDL_Renderer *rd, int w, int h, const MapSnap *s, const MapViewState *vs,
              MapLayout *lay);
/* Renders to a PNG (written to FILE.part, renamed when complete) and, when layout_path is set,
 * the layout JSON; with hover_va, as if the mouse were on the region holding it. false with a
 * one-line err. */
bool map_write_png(MapRenderer *mr, const MapSnap *s, const char *path, const char *layout_path,
                   const uint64_t *hover_va, double *render_ms, char *err, size_t errlen);

#define MAP_WIDTH 1600
#define MAP_HEIGHT 1000
#define MAP_FONT "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
#define MAP_FONT_BOLD "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf"

#endif
