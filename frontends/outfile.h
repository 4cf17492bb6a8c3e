/* Output files: written as FILE.part and renamed into place only when complete, so a failed
 * run never leaves a truncated FILE behind. */
#ifndef FRONTENDS_OUTFILE_H
#define FRONTENDS_OUTFILE_H
#include <stdbool.h>
#include <stdio.h>

typedef struct OutFile {
    char path[1024], tmp[1040];
    FILE *f;
} OutFile;

/* Opens PATH.part for writing; on failure prints a one-line error and returns false. */
bool out_open(OutFile *o, const char *path);
/* Closes; renames into place if ok and every write succeeded, else removes the .part file.
 * Returns false (after a one-line error) when a write or the rename failed. */
bool out_commit(OutFile *o, bool ok);

#endif
