/*
 * fsutil.h - file helpers: paths under --root, bounded reads, atomic
 * writes.
 *
 * Every host path the agent reads goes through root_path(), so that
 * "--root DIR" reads an image or a test tree instead of "/".  Errors are
 * returned with a reason in err ("PATH: strerror"), never printed here.
 */
#ifndef SPOOLWATCH_FSUTIL_H
#define SPOOLWATCH_FSUTIL_H

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

/*
 * root_path - join root ("" , NULL or "/" for none) and an absolute host
 * path into out.  The path is normalised lexically ("//", "/./", and ".."
 * that would climb above the root are folded), so it cannot name anything
 * outside root.  -1 with errno ENAMETOOLONG or EINVAL (relative path).
 */
int root_path(char *out, size_t n, const char *root, const char *path);

/* root_exists - 1 if the host path exists below root (lstat: a dangling
 * link counts), 0 if not or if the path does not fit. */
int root_exists(const char *root, const char *path);

/*
 * root_link_next - the host path the symbolic link at host path host
 * points to, into next (n bytes).  full is the link's path under the
 * root (as root_path gave it).  An absolute target is taken as a host
 * path, a relative one is joined to host's directory; either is folded
 * lexically (as root_path does), so it names something below the root
 * again.  -1 with errno (EINVAL if full is not a link, ENAMETOOLONG).
 */
int root_link_next(const char *host, const char *full, char *next, size_t n);

/*
 * root_resolve - lstat the host path path under root, following symbolic
 * links by hand (root_link_next) so that every step stays below root:
 * each component in turn, an intermediate link (ROOT/var -> /elsewhere)
 * too, so full names no link at all when it is returned.
 * host and full, of PATH_MAX bytes each, get the host path of what was
 * finally looked at and its path under root; *links counts the links
 * followed.  0 and *st, or -1 with errno (ELOOP past max_links).
 */
int root_resolve(const char *root, const char *path, int max_links, char *host,
                 char *full, struct stat *st, int *links);

/*
 * root_open - open the host path path with every component resolved
 * inside root: a symbolic link anywhere on the way (ROOT/var -> /elsewhere,
 * ROOT/var/spool -> ../../..) is followed as if root were "/", and ".."
 * stops at root, so nothing outside root is opened.  oflags are open(2)'s
 * (O_CLOEXEC is added); a final link is resolved inside root too unless
 * O_NOFOLLOW is given (then it is ELOOP, as for open(2)).  With no root ("", NULL or "/") the path is
 * opened as it is.  openat2(RESOLVE_IN_ROOT) where the kernel has it, else
 * root_open_walk().  The fd, or -1 with errno.
 */
int root_open(const char *root, const char *path, int oflags);

/*
 * root_open_walk - root_open() for kernels without openat2 (before 5.6,
 * down to 2.6.18): from rootfd, one component at a time with
 * openat(O_NOFOLLOW), a link's text read and resolved inside rootfd
 * again (at most ROOT_OPEN_MAX_LINKS links), ".." clamped at rootfd.
 */
#define ROOT_OPEN_MAX_LINKS 40
int root_open_walk(int rootfd, const char *path, int oflags);

/*
 * read_file_capped - read a whole regular file of at most cap bytes into
 * a NUL-terminated xmalloc'd buffer.  Returns its length, or -1 with a
 * reason (a larger file is an error, not a truncation).
 */
ssize_t read_file_capped(const char *path, char **out, size_t cap, char *err,
                         size_t errlen);

/*
 * read_small_at - up to n-1 bytes of dirfd/name (not following a final
 * symlink), NUL-terminated, for /proc's one-line files; length or -1.
 */
ssize_t read_small_at(int dirfd, const char *name, char *buf, size_t n);

/*
 * write_file_atomic - write data to path so that a crash leaves either
 * the old or the new file: temporary file, fsync, rename, fsync of the
 * directory.  The file gets exactly mode (the umask does not apply).  On
 * failure the temporary file is removed.  0 or -1 with a reason.  The
 * temporary file is "PATH.tmp.PID": one writer per path in a process
 * (callers that write one path from several threads serialise).
 */
int write_file_atomic(const char *path, const void *data, size_t n, mode_t mode,
                      char *err, size_t errlen);
/*
 * write_file_atomic_at - the same in the open directory dfd (dirpath
 * names it in errors): data goes to tmp, which is fsync'ed and renamed
 * to name, then dfd is fsync'ed.  A stale tmp is overwritten; callers
 * choose a tmp name no other writer uses.  0, or -1 with a reason and
 * errno (if the directory's fsync fails, name is complete but its
 * rename may not survive a power loss).
 */
int write_file_atomic_at(int dfd, const char *dirpath, const char *tmp,
                         const char *name, const void *data, size_t n,
                         mode_t mode, char *err, size_t errlen);

/* write_full - write all n bytes, resuming after EINTR and short writes;
 * 0, or -1 with errno. */
int write_full(int fd, const void *data, size_t n);
/*
 * mkdir_p - mkdir -p with mode for the created components (subject to the
 * umask).  Existing directories are fine; an existing non-directory is -1
 * with ENOTDIR.
 */
int mkdir_p(const char *path, mode_t mode);

#endif
