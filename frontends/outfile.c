/* Output files written as FILE.part and renamed into place when complete (outfile.h). */
#include "outfile.h"

#include <errno.h>
#include <sys/stat.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

bool out_open(OutFile *o, const char *path)
{
    snprintf(o->path, sizeof o->path, "%s", path);
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        /* /dev/null, a FIFO, a terminal: written directly (renaming a .part file onto it
         * would replace the device node) */
        o->tmp[0] = 0;
        o->f = fopen(path, "w");
        if (!o->f)
            cli_error("%s: cannot write: %s", path, strerror(errno));
        return o->f != NULL;
    }
    snprintf(o->tmp, sizeof o->tmp, "%s.part", path);
    o->f = fopen(o->tmp, "w");
    if (!o->f)
        cli_error("%s: cannot write: %s", path, strerror(errno));
    return o->f != NULL;
}

bool out_commit(OutFile *o, bool ok)
{
    if (!o->f)
        return true;
    bool werr = ferror(o->f) != 0;
    if (fclose(o->f) != 0)
        werr = true;
    o->f = NULL;
    if (!o->tmp[0]) { /* not a regular file: nothing to move */
        if (werr)
            cli_error("%s: write failed", o->path);
        return !werr;
    }
    if (!ok || werr) {
        unlink(o->tmp);
        if (werr)
            cli_error("%s: write failed (disk full?); nothing written", o->path);
        return !werr;
    }
    if (rename(o->tmp, o->path) != 0) {
        cli_error("%s: cannot move into place: %s", o->path, strerror(errno));
        unlink(o->tmp);
        return false;
    }
    return true;
}

