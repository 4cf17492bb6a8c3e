/* Image loading: ELF32 (PT_LOAD by physical address) or a raw binary at the load address. */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine_internal.h"

static bool read_file(const char *path, uint8_t **data, size_t *len, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open image: %s", path, strerror(errno));
        return false;
    }
    if (fseek(f, 0, SEEK_END) != 0) {
        snprintf(err, errlen, "%s: cannot read image (not a regular file?)", path);
        fclose(f);
        return false;
    }
    long n = ftell(f);
    rewind(f);
    if (n <= 0) {
        snprintf(err, errlen, "%s: image is empty or unreadable", path);
        fclose(f);
        return false;
    }
    *data = malloc((size_t)n);
    if (!*data || fread(*data, 1, (size_t)n, f) != (size_t)n) {
        snprintf(err, errlen, "%s: cannot read image", path);
        free(*data);
        fclose(f);
        return false;
    }
    fclose(f);
    *len = (size_t)n;
    return true;
}

static bool place(Machine *m, const char *path, uint64_t pa, const uint8_t *src, uint64_t filesz,
                  uint64_t memsz, char *err, size_t errlen)
{
    const MachineConfig *c = &m->cfg;
    if (pa < c->ram_base || pa >= c->ram_base + c->ram_size) {
        snprintf(err, errlen, "%s: load address 0x%llx is outside RAM 0x%llx-0x%llx", path,
                 (unsigned long long)pa, (unsigned long long)c->ram_base,
                 (unsigned long long)(c->ram_base + c->ram_size - 1));
        return false;
    }
    if (memsz > c->ram_base + c->ram_size - pa) {
        snprintf(err, errlen, "%s: image (0x%llx bytes at 0x%llx) does not fit in RAM ending at 0x%llx",
                 path, (unsigned long long)memsz, (unsigned long long)pa,
                 (unsigned long long)(c->ram_base + c->ram_size));
        return false;
    }
    if (m->image_hi == 0 || pa < m->image_lo)
        m->image_lo = pa;
    if (pa + memsz > m->image_hi)
        m->image_hi = pa + memsz;
    uint8_t *dst = m->ram + (pa - c->ram_base);
    memcpy(dst, src, filesz);
    memset(dst + filesz, 0, memsz - filesz);
    return true;
}

/* One program header of either class, widened */
typedef struct ElfSeg {
    uint32_t type;
    uint64_t offset, vaddr, paddr, filesz, memsz;
} ElfSeg;

static ElfSeg elf_seg(const uint8_t *d, uint64_t phoff, unsigned i, bool is64)
{
    if (is64) {
        Elf64_Phdr ph;
        memcpy(&ph, d + phoff + i * sizeof ph, sizeof ph);
        return (ElfSeg){ph.p_type, ph.p_offset, ph.p_vaddr, ph.p_paddr, ph.p_filesz, ph.p_memsz};
    }
    Elf32_Phdr ph;
    memcpy(&ph, d + phoff + i * sizeof ph, sizeof ph);
    return (ElfSeg){ph.p_type, ph.p_offset, ph.p_vaddr, ph.p_paddr, ph.p_filesz, ph.p_memsz};
}

/* Places every PT_LOAD segment of the (checked) program header table at its physical address
 * and sets m->entry: e_entry may be virtual (a kernel linked high), taken through its segment,
 * or physical. */
static bool load_elf_segments(Machine *m, const char *path, const uint8_t *d, size_t len, bool is64, uint64_t phoff,
                              unsigned phnum, uint64_t entry, char *err, size_t errlen)
{
    bool entry_found = false, loaded = false;
    for (unsigned i = 0; i < phnum; i++) {
        ElfSeg ph = elf_seg(d, phoff, i, is64);
        if (ph.type != PT_LOAD || ph.memsz == 0)
            continue;
        if (ph.offset > len || ph.filesz > len - ph.offset) {
            snprintf(err, errlen, "%s: truncated ELF: segment %u needs bytes 0x%llx-0x%llx, file has 0x%zx", path, i,
                     (unsigned long long)ph.offset, (unsigned long long)(ph.offset + ph.filesz), len);
            return false;
        }
        if (ph.filesz > ph.memsz) {
            snprintf(err, errlen, "%s: malformed ELF: segment %u filesz > memsz", path, i);
            return false;
        }
        if (!place(m, path, ph.paddr, d + ph.offset, ph.filesz, ph.memsz, err, errlen))
            return false;
        loaded = true;
        if (entry >= ph.vaddr && entry - ph.vaddr < ph.memsz) {
            m->entry = ph.paddr + (entry - ph.vaddr);
            entry_found = true;
        } else if (entry >= ph.paddr && entry - ph.paddr < ph.memsz) {
            m->entry = entry;
            entry_found = true;
        }
    }
    if (!loaded) {
        snprintf(err, errlen, "%s: ELF has no loadable segment", path);
        return false;
    }
    if (!entry_found) {
        snprintf(err, errlen, "%s: ELF entry point 0x%llx is in no loadable segment", path, (unsigned long long)entry);
        return false;
    }
    return true;
}

static bool load_elf32(Machine *m, const char *path, const uint8_t *d, size_t len, char *err, size_t errlen)
{
    if (len < sizeof(Elf32_Ehdr)) {
        snprintf(err, errlen, "%s: truncated ELF header (%zu bytes)", path, len);
        return false;
    }
    const Elf32_Ehdr *eh = (const Elf32_Ehdr *)d;
    if (eh->e_ident[EI_CLASS] != ELFCLASS32 || eh->e_ident[EI_DATA] != ELFDATA2LSB) {
        snprintf(err, errlen, "%s: not a little-endian 32-bit ELF", path);
        return false;
    }
    if (eh->e_machine != EM_ARM) {
        snprintf(err, errlen, "%s: ELF machine %u is not ARM", path, eh->e_machine);
        return false;
    }
    if (eh->e_phentsize != sizeof(Elf32_Phdr) || eh->e_phnum == 0 ||
        (uint64_t)eh->e_phoff + (uint64_t)eh->e_phnum * sizeof(Elf32_Phdr) > len) {
        snprintf(err, errlen, "%s: truncated or malformed ELF program header table", path);
        return false;
    }
    if (!load_elf_segments(m, path, d, len, false, eh->e_phoff, eh->e_phnum, eh->e_entry, err, errlen))
        return false;
    m->entry_thumb = m->entry & 1;
    m->entry &= ~1ull;
    return true;
}

static bool load_elf64(Machine *m, const char *path, const uint8_t *d, size_t len, char *err, size_t errlen)
{
    if (len < sizeof(Elf64_Ehdr)) {
        snprintf(err, errlen, "%s: truncated ELF header (%zu bytes)", path, len);
        return false;
    }
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)d;
    if (eh->e_ident[EI_DATA] != ELFDATA2LSB || eh->e_machine != EM_AARCH64) {
        snprintf(err, errlen, "%s: a 64-bit ELF that is not little-endian AArch64 (machine %u)", path, eh->e_machine);
        return false;
    }
    if (!m->a64) {
        snprintf(err, errlen, "%s: an AArch64 image needs an AArch64 CPU (machine.cpu=%s; try --machine virt-a53)",
                 path, m->cfg.cpu);
        return false;
    }
    if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phnum == 0 ||
        eh->e_phoff + (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr) > len || eh->e_phoff > len) {
        snprintf(err, errlen, "%s: truncated or malformed ELF program header table", path);
        return false;
    }
    if (!load_elf_segments(m, path, d, len, true, eh->e_phoff, eh->e_phnum, eh->e_entry, err, errlen))
        return false;
    m->entry_thumb = false;
    return true;
}

/* Linux arm64 Image header (Documentation/arch/arm64/booting.rst): code0, code1, text_offset,
 * image_size, flags, res2..res4, magic "ARM\x64" at 0x38, res5. Loaded at a 2 MiB aligned
 * base + text_offset; the base is RAM's start. */
static bool is_arm64_image(const uint8_t *d, size_t len)
{
    return len >= 64 && !memcmp(d + 0x38, "ARM\x64", 4);
}

static bool load_arm64_image(Machine *m, const char *path, const uint8_t *d, size_t len, char *err, size_t errlen)
{
    if (!m->a64) {
        snprintf(err, errlen, "%s: an arm64 Image needs an AArch64 CPU (machine.cpu=%s; try --machine virt-a53)",
                 path, m->cfg.cpu);
        return false;
    }
    uint64_t text_offset, image_size;
    memcpy(&text_offset, d + 8, 8);
    memcpy(&image_size, d + 16, 8);
    if (image_size == 0) /* before Linux 3.17: text_offset 0x80000, size unknown */
        text_offset = 0x80000;
    uint64_t base = (m->cfg.ram_base + 0x1fffff) & ~0x1fffffull;
    uint64_t pa = base + text_offset;
    uint64_t memsz = image_size > len ? image_size : len;
    if (!place(m, path, pa, d, len, memsz, err, errlen))
        return false;
    m->entry = pa;
    m->entry_thumb = false;
    return true;
}

/* ARM zImage (arch/arm/boot/compressed/head.S): magic 0x016f2818 at 0x24, then the start and
 * end addresses it was linked for (0 for the position-independent ones distributions ship). */
static bool is_zimage(const uint8_t *d, size_t len)
{
    uint32_t magic;
    if (len < 0x30)
        return false;
    memcpy(&magic, d + 0x24, 4);
    return magic == 0x016f2818u;
}

static bool load_file_at(Machine *m, const char *path, const char *what, uint64_t pa, uint64_t *size, char *err,
                         size_t errlen)
{
    uint8_t *d = NULL;
    size_t len = 0;
    if (!read_file(path, &d, &len, err, errlen))
        return false;
    const MachineConfig *c = &m->cfg;
    if (pa + len > c->ram_base + c->ram_size) {
        snprintf(err, errlen, "%s: %s of %zu bytes at 0x%llx does not fit in RAM ending at 0x%llx (try --set "
                 "machine.ram_size=2G)", path, what, len, (unsigned long long)pa,
                 (unsigned long long)(c->ram_base + c->ram_size));
        free(d);
        return false;
    }
    memcpy(m->ram + (pa - c->ram_base), d, len);
    free(d);
    *size = len;
    return true;
}

bool load_linux_kernel(Machine *m, const char *path, char *err, size_t errlen)
{
    uint8_t *d = NULL;
    size_t len = 0;
    if (!read_file(path, &d, &len, err, errlen))
        return false;
    bool ok;
    if (m->a64) {
        ok = is_arm64_image(d, len);
        if (!ok)
            snprintf(err, errlen, "%s: not an arm64 Image (no \"ARM\\x64\" magic at offset 0x38)", path);
        else
            ok = load_arm64_image(m, path, d, len, err, errlen);
    } else {
        ok = is_zimage(d, len);
        if (!ok) {
            snprintf(err, errlen, "%s: not an ARM zImage (no magic 0x016f2818 at offset 0x24)%s", path,
                     is_arm64_image(d, len) ? "; it is an arm64 Image: use an AArch64 machine (virt-a53)" : "");
        } else {
            /* Documentation/arch/arm/booting.rst: the zImage anywhere in RAM, conventionally at
             * base + 0x8000 (machine.load_offset); it relocates itself if it must */
            ok = place(m, path, m->cfg.load_addr, d, len, len, err, errlen);
            m->entry = m->cfg.load_addr;
            m->entry_thumb = false;
        }
    }
    free(d);
    return ok;
}

bool load_initrd(Machine *m, const char *path, uint64_t pa, char *err, size_t errlen)
{
    if (pa < m->image_hi) {
        snprintf(err, errlen, "%s: the initrd at 0x%llx would overlap the kernel (up to 0x%llx)", path,
                 (unsigned long long)pa, (unsigned long long)m->image_hi);
        return false;
    }
    m->initrd_addr = pa;
    return load_file_at(m, path, "initrd", pa, &m->initrd_size, err, errlen);
}

bool load_dtb_file(Machine *m, const char *path, const char *bootargs, char *err, size_t errlen)
{
    uint8_t *d = NULL;
    size_t len = 0;
    if (!read_file(path, &d, &len, err, errlen))
        return false;
    bool ok = dtb_from_file(m, path, d, len, bootargs, err, errlen);
    free(d);
    return ok;
}

bool load_image(Machine *m, const char *path, char *err, size_t errlen)
{
    uint8_t *d = NULL;
    size_t len = 0;
    if (!read_file(path, &d, &len, err, errlen))
        return false;
    bool ok;
    if (len >= 4 && !memcmp(d, ELFMAG, SELFMAG)) {
        if (len > EI_CLASS && d[EI_CLASS] == ELFCLASS64)
            ok = load_elf64(m, path, d, len, err, errlen);
        else
            ok = load_elf32(m, path, d, len, err, errlen);
    } else if (is_arm64_image(d, len)) {
        ok = load_arm64_image(m, path, d, len, err, errlen);
    } else {
        ok = place(m, path, m->cfg.load_addr, d, len, len, err, errlen);
        m->entry = m->cfg.load_addr;
        m->entry_thumb = false;
    }
    free(d);
    return ok;
}
