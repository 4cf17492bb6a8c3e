/* Output files written as FILE.part and renamed into place when complete (outfile.h). */
#include "outfile.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

bool out_open(OutFile *o, const char *path)
{
    snprintf(o->path, sizeof o->path, "%s", path);
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

