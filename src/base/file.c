/*
 * file.c -- durable file writes: temp file, fsync, rename, fsync of the
 * directory, so a killed process leaves either the old file or the new one.
 */
#include "base.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int mo__file_write_atomic(const char *path, const void *data, size_t len, mo_diag *diag)
{
    /* The temp name is unique per process and call, so two threads writing
     * the same path never share a temp file. */
    static atomic_uint seq;
    char tmp[4096];
    int n = snprintf(tmp, sizeof tmp, "%s.tmp.%ld.%u", path, (long)getpid(),
                     atomic_fetch_add(&seq, 1u));
    if (n < 0 || (size_t)n >= sizeof tmp)
        return mo__diag_set(diag, MO_EINVAL, path, 0, NULL, "%s: path too long", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return mo__diag_set(diag, MO_EIO, tmp, 0, NULL, "%s: cannot create: %s", tmp,
                            strerror(errno));
    const char *p = data;
    size_t left = len;
    while (left) {
        ssize_t w = write(fd, p, left);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            close(fd);
            unlink(tmp);
            return mo__diag_set(diag, MO_EIO, tmp, 0, NULL, "%s: write failed: %s", tmp,
                                strerror(e));
        }
        p += w;
        left -= (size_t)w;
    }
    /* Close even when fsync fails, so the descriptor never leaks. */
    int synced = fsync(fd) == 0, sync_err = errno;
    if (close(fd) != 0 && synced) {
        synced = 0;
        sync_err = errno;
    }
    if (!synced) {
        unlink(tmp);
        return mo__diag_set(diag, MO_EIO, tmp, 0, NULL, "%s: fsync failed: %s", tmp,
                            strerror(sync_err));
    }
    if (rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        return mo__diag_set(diag, MO_EIO, path, 0, NULL, "%s: rename failed: %s", path,
                            strerror(e));
    }
    /* fsync the directory so the rename itself is durable. */
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *(slash == dir ? slash + 1 : slash) = '\0';
    else
        snprintf(dir, sizeof dir, ".");
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    return MO_OK;
}
