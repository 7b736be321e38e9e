/*
 * A container's root seen through the jail's user namespace (container.h):
 * an image owned by host ids 0..65535 shown as the container's own while its
 * processes hold only range credentials. A plain directory is one idmapped
 * clone. Engines keep their images on overlayfs, which cannot itself be
 * idmapped; but its layers can: the overlay is made again from the same
 * layers, each an idmapped clone (the upper and work directories from one
 * clone of their parent, as overlayfs wants them on one mount), so that the
 * container's writes land in the engine's upper layer as they would with
 * runc. The engine's own overlay stays mounted beside it; index is off in
 * ours, as two overlays may share an upper layer only without one.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "container.h"
#include "rootfs.h"
#include "sys.h"

#define MAX_LAYERS 128
#define WORKDIR	   "jail-oci-work" /* beside the engine's upper and work directories */

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' &&
		    s[3] <= '7') {
			*o++ = (char)(((s[1] - '0') << 6) | ((s[2] - '0') << 3) | (s[3] - '0'));
			s += 3;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

/* The super options of the overlay mounted (last) at path; 0, -ENOENT if path is no overlay. */
static int overlay_options(const char *path, char *opts, size_t len)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[16384];
	int found = -ENOENT;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char mnt[PATH_MAX], fstype[64], src[PATH_MAX];
		char *sep = strstr(line, " - ");
		if (!sep || sscanf(line, "%*d %*d %*s %*s %4095s", mnt) != 1)
			continue;
		unescape(mnt);
		if (strcmp(mnt, path))
			continue;
		found = -ENOENT;
		if (sscanf(sep + 3, "%63s %4095s", fstype, src) != 2 || strcmp(fstype, "overlay"))
			continue;
		const char *o = sep + 3 + strlen(fstype) + 1 + strlen(src) + 1;
		snprintf(opts, len, "%s", o);
		opts[strcspn(opts, "\n")] = '\0';
		found = 0;
	}
	return found;
}

static int idmapped_clone(const char *path, int userns, struct jail_err *e)
{
	struct mount_attr a = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns};
	int fd = sys_open_tree(AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);

	if (fd < 0 || sys_mount_setattr(fd, "", AT_EMPTY_PATH, &a, sizeof(a)) < 0) {
		int r = -errno;
		if (fd >= 0)
			close(fd);
		return jail_err_sys(e, r, "overlay layer %s: idmapped mount", path);
	}
	return fd;
}

struct layers {
	int fd[MAX_LAYERS + 1];
	int n;
};

static void layers_close(struct layers *l)
{
	for (int i = 0; i < l->n; i++)
		close(l->fd[i]);
	l->n = 0;
}

/* Split "a:b\:c" on unescaped ':' in place; returns the count. */
static int split_lower(char *s, char **out, int max)
{
	int n = 0;
	char *start = s, *o = s;

	for (char *p = s;; p++) {
		if (*p == '\\' && p[1]) {
			*o++ = *++p;
			continue;
		}
		if (*p == ':' || !*p) {
			bool end = !*p;
			*o++ = '\0';
			if (n < max)
				out[n++] = start;
			start = o;
			if (end)
				break;
			continue;
		}
		*o++ = *p;
	}
	return n;
}

/*
 * Our own work directory beside the engine's: a work directory in use by a
 * mounted overlay (marked dirty by a volatile one) cannot serve a second.
 * Made afresh each time, owned by host root as overlayfs wants it.
 */
static int own_workdir(const char *parent, struct jail_err *e)
{
	_cleanup_close_ int dfd = open(parent, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (dfd < 0)
		return jail_err_sys(e, -errno, "overlay layer %s", parent);
	if (rootfs_rm_tree(dfd, WORKDIR, NULL) < 0 && errno != ENOENT) {
		/* a leftover we cannot take away is still usable unless dirty; mkdir tells */
	}
	if (mkdirat(dfd, WORKDIR, 0700) < 0 && errno != EEXIST)
		return jail_err_sys(e, -errno, "overlay layer %s/%s", parent, WORKDIR);
	return 0;
}

/* The overlay made again with each layer idmapped; a detached tree, or -errno. */
static int overlay_idmapped(const char *path, char *opts, int userns, const struct jail_ids *ids,
			    struct jail_err *e)
{
	char *lower = NULL, *upper = NULL, *work = NULL, *save = NULL, *lowers[MAX_LAYERS];
	char lowerdir[65536], up[64 + NAME_MAX], wk[64 + NAME_MAX];
	const char *keep[16][2];
	struct layers l = {.n = 0};
	int nkeep = 0, nl, r = 0, fsfd = -1, mfd = -1;
	size_t o = 0;

	for (char *t = strtok_r(opts, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(t, '=');
		if (eq)
			*eq++ = '\0';
		if (!strcmp(t, "lowerdir"))
			lower = eq;
		else if (!strcmp(t, "upperdir"))
			upper = eq;
		else if (!strcmp(t, "workdir"))
			work = eq;
		else if (nkeep < 16 &&
			 (!strcmp(t, "redirect_dir") || !strcmp(t, "metacopy") || !strcmp(t, "xino") ||
			  !strcmp(t, "uuid") || !strcmp(t, "userxattr"))) {
			keep[nkeep][0] = t;
			keep[nkeep++][1] = eq;
		}
	}
	if (!lower)
		return jail_err_set(e, -EINVAL, "path '%s': an overlay without lowerdir", path);
	nl = split_lower(lower, lowers, MAX_LAYERS);
	for (int i = 0; i < nl && r == 0; i++) {
		unescape(lowers[i]);
		if ((r = idmapped_clone(lowers[i], userns, e)) >= 0) {
			l.fd[l.n++] = r;
			o += (size_t)snprintf(lowerdir + o, sizeof(lowerdir) - o, "%s/proc/self/fd/%d",
					      i ? ":" : "", r);
			r = o < sizeof(lowerdir)
				    ? 0
				    : jail_err_set(e, -E2BIG, "path '%s': too many layers", path);
		}
	}
	if (r == 0 && upper && work) {
		char *us = strrchr(upper, '/'), *ws = strrchr(work, '/');
		unescape(upper);
		unescape(work);
		us = strrchr(upper, '/');
		ws = strrchr(work, '/');
		/* overlayfs wants upper and work on one mount: one clone of their common parent. */
		if (!us || !ws || us - upper != ws - work || strncmp(upper, work, (size_t)(us - upper)))
			r = jail_err_set(e, -EINVAL, "path '%s': upperdir and workdir have different parents",
					 path);
		if (r == 0) {
			*us = '\0';
			r = own_workdir(upper[0] ? upper : "/", e);
			if (r == 0)
				r = idmapped_clone(upper[0] ? upper : "/", userns, e);
			*us = '/';
		}
		if (r >= 0) {
			l.fd[l.n++] = r;
			snprintf(up, sizeof(up), "/proc/self/fd/%d/%s", r, us + 1);
			snprintf(wk, sizeof(wk), "/proc/self/fd/%d/%s", r, WORKDIR);
			r = 0;
		}
	}
	if (r == 0 && (fsfd = sys_fsopen("overlay", FSOPEN_CLOEXEC)) < 0)
		r = jail_err_sys(e, -errno, "path '%s': overlay", path);
	if (r == 0 && (sys_fsconfig(fsfd, FSCONFIG_SET_STRING, "lowerdir", lowerdir, 0) < 0 ||
		       (upper && work &&
			(sys_fsconfig(fsfd, FSCONFIG_SET_STRING, "upperdir", up, 0) < 0 ||
			 sys_fsconfig(fsfd, FSCONFIG_SET_STRING, "workdir", wk, 0) < 0)) ||
		       sys_fsconfig(fsfd, FSCONFIG_SET_STRING, "index", "off", 0) < 0))
		r = jail_err_sys(e, -errno, "path '%s': overlay of idmapped layers", path);
	for (int i = 0; r == 0 && i < nkeep; i++)
		if ((keep[i][1] ? sys_fsconfig(fsfd, FSCONFIG_SET_STRING, keep[i][0], keep[i][1], 0)
				: sys_fsconfig(fsfd, FSCONFIG_SET_FLAG, keep[i][0], NULL, 0)) < 0)
			r = jail_err_sys(e, -errno, "path '%s': overlay option %s", path, keep[i][0]);
	/*
	 * overlayfs works on its upper layer with its creator's credentials: host
	 * root has no id in the idmapped layers, the container's root does. So the
	 * filesystem is made with fsuid and fsgid the container's root's, every
	 * capability kept effective (setfsuid drops the file ones).
	 */
	if (r == 0) {
		r = jail_container_fsids(ids->uid, ids->gid);
		if (r == 0 && sys_fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
			r = -errno;
		jail_container_fsids(0, 0);
		if (r < 0)
			r = jail_err_sys(e, r, "path '%s': overlay of idmapped layers", path);
	}
	if (r == 0 && (mfd = sys_fsmount(fsfd, FSMOUNT_CLOEXEC, 0)) < 0)
		r = jail_err_sys(e, -errno, "path '%s': overlay of idmapped layers", path);
	if (fsfd >= 0)
		close(fsfd);
	layers_close(&l);
	return r < 0 ? r : mfd;
}

int jail_container_idmap_root(int tree, const char *path, int userns, const struct jail_ids *ids,
			      struct jail_err *e)
{
	struct mount_attr a = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns};
	char opts[16384];
	int r;

	if (sys_mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &a, sizeof(a)) == 0 ||
	    sys_mount_setattr(tree, "", AT_EMPTY_PATH, &a, sizeof(a)) == 0)
		return tree;
	r = -errno;
	if (r == -EINVAL && overlay_options(path, opts, sizeof(opts)) == 0)
		return overlay_idmapped(path, opts, userns, ids, e);
	return jail_err_sys(e, r, "path '%s': idmapped mount (the root's filesystem must support them)",
			    path);
}
