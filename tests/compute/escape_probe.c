/* Runs INSIDE a node as its root: tries each known way from a container to its host and prints one
 * line per try, "<name> blocked <errno name>" or "<name> OPEN <detail>". It never does harm when a
 * way is open: every call either opens without writing, or passes arguments that the kernel rejects
 * after its permission checks (so an open way shows as EINVAL/EFAULT/EBADF, a closed one as EPERM).
 * Built statically by tests/compute/test_node_escapes.py so that the same probe runs in every image.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static int opened;

static void report(const char *name, long result, int err) {
    if (result >= 0) {
        printf("%s OPEN returned %ld\n", name, result);
        opened++;
    } else if (err == EPERM || err == EACCES || err == EROFS || err == ENOSYS) {
        printf("%s blocked %s\n", name, strerrorname_np(err));
    } else {
        /* Past the permission checks: the kernel looked at our (bad) arguments. */
        printf("%s OPEN %s\n", name, strerrorname_np(err));
        opened++;
    }
}

/* The call first, then errno: C leaves the order of a function's arguments open. */
#define TRY(name, call)            \
    do {                           \
        errno = 0;                 \
        long result_ = (call);     \
        int err_ = errno;          \
        report(name, result_, err_); \
    } while (0)

static void try_open_for_write(const char *name, const char *path) {
    errno = 0;
    int fd = open(path, O_WRONLY);
    int err = errno;
    if (fd >= 0) close(fd); /* opened for writing: reported, never written */
    if (fd < 0 && err == ENOENT) {
        printf("%s absent ENOENT\n", name);
        return;
    }
    report(name, fd, err);
}

static void try_mount(const char *name, const char *source, const char *type, const char *options) {
    mkdir("/tmp/escape-mnt", 0700);
    errno = 0;
    long r = mount(source, "/tmp/escape-mnt", type, 0, options);
    int err = errno;
    if (r == 0) umount2("/tmp/escape-mnt", MNT_DETACH);
    report(name, r, err);
}

static void try_device(const char *name, mode_t type, unsigned major_number, unsigned minor_number) {
    char path[64];
    snprintf(path, sizeof path, "/tmp/escape-dev-%u-%u", major_number, minor_number);
    unlink(path);
    errno = 0;
    long r = mknod(path, type | 0600, makedev(major_number, minor_number));
    int err = errno;
    if (r < 0) {
        report(name, r, err);
        return;
    }
    errno = 0;
    int fd = open(path, O_RDONLY);
    err = errno;
    if (fd >= 0) close(fd);
    unlink(path);
    report(name, fd, err);
}

/* The host's root block device, from the major:minor of a file on this container's lower layers is
 * an overlay; use the device of /etc/hostname (a bind mount from the host's disk). */
static void try_host_disk(void) {
    struct stat st;
    if (stat("/etc/hostname", &st) == 0 && major(st.st_dev) != 0) {
        try_device("host_block_device", S_IFBLK, major(st.st_dev), minor(st.st_dev));
        char path[64];
        snprintf(path, sizeof path, "/tmp/escape-dev-%u-%u", major(st.st_dev), minor(st.st_dev));
        if (mknod(path, S_IFBLK | 0600, st.st_dev) == 0) {
            try_mount("mount_host_block_device", path, "ext4", "ro");
            unlink(path);
        } else {
            printf("mount_host_block_device blocked %s\n", strerrorname_np(errno));
        }
    } else {
        try_device("host_block_device", S_IFBLK, 8, 0);
    }
}

static int child(void *arg) { (void)arg; return 0; }

static void try_clone_user_namespace(void) {
    static char stack[64 * 1024];
    errno = 0;
    pid_t pid = clone(child, stack + sizeof stack, CLONE_NEWUSER | SIGCHLD, NULL);
    int err = errno;
    if (pid > 0) waitpid(pid, NULL, 0);
    report("clone_newuser", pid, err);
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    /* 1. cgroup v1 release_agent: needs a cgroup hierarchy mounted writable. */
    try_mount("mount_cgroup_v1_rdma", "cgroup", "cgroup", "rdma");
    try_mount("mount_cgroup_v1_memory", "cgroup", "cgroup", "memory");
    try_mount("mount_cgroup_v1_named", "cgroup", "cgroup", "none,name=escape");
    try_mount("mount_cgroup2", "cgroup2", "cgroup2", NULL);
    try_open_for_write("write_release_agent", "/sys/fs/cgroup/memory/release_agent");
    try_open_for_write("write_notify_on_release", "/sys/fs/cgroup/memory/notify_on_release");
    errno = 0;
    long fs = syscall(SYS_fsopen, "cgroup", 0);
    int fs_err = errno;
    report("fsopen_cgroup", fs, fs_err);
    if (fs >= 0) close(fs);
    /* Any mount at all, and remounts of the pseudo-filesystems the host shares. */
    try_mount("mount_tmpfs", "tmpfs", "tmpfs", NULL);
    try_mount("mount_proc", "proc", "proc", NULL);
    try_mount("mount_sysfs", "sysfs", "sysfs", NULL);
    TRY("remount_sys", mount(NULL, "/sys", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL));
    /* 2. The host's disks. */
    try_host_disk();
    /* 3.-4. Kernel interfaces the host shares: opened for writing only, never written. */
    try_open_for_write("write_sysrq_trigger", "/proc/sysrq-trigger");
    try_open_for_write("write_core_pattern", "/proc/sys/kernel/core_pattern");
    try_open_for_write("write_uevent_helper", "/sys/kernel/uevent_helper");
    try_open_for_write("write_sys_kernel_mm", "/sys/kernel/mm/transparent_hugepage/enabled");
    try_open_for_write("write_sys_power_state", "/sys/power/state");
    /* 5. Kernel modules: a NULL image is rejected after the capability check. */
    TRY("init_module", syscall(SYS_init_module, NULL, 0, ""));
    TRY("finit_module", syscall(SYS_finit_module, -1, "", 0));
    TRY("delete_module", syscall(SYS_delete_module, "webgns_no_such_module", O_NONBLOCK));
    /* 6. User namespaces: a root there could mount. */
    TRY("unshare_user", unshare(CLONE_NEWUSER));
    TRY("unshare_mount", unshare(CLONE_NEWNS));
    TRY("unshare_net", unshare(CLONE_NEWNET));
    try_clone_user_namespace();
    TRY("setns_bad_fd", setns(-1, 0));
    /* 7. Device nodes: memory, a disk, the kernel's message buffer. */
    try_device("device_dev_mem", S_IFCHR, 1, 1);
    try_device("device_dev_kmsg", S_IFCHR, 1, 11);
    try_device("device_sda", S_IFBLK, 8, 0);
    /* 8. Kernel keyrings: not namespaced. */
    TRY("keyctl", syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3 /* session */, 0));
    TRY("add_key", syscall(SYS_add_key, "user", "webgns-escape", "x", 1, -3));
    /* More of the same family: each rejected on its arguments if it were permitted. */
    TRY("open_by_handle_at", syscall(SYS_open_by_handle_at, -1, NULL, 0));
    TRY("bpf", syscall(SYS_bpf, 5 /* BPF_PROG_LOAD */, NULL, 0));
    TRY("perf_event_open", syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0));
    TRY("kexec_load", syscall(SYS_kexec_load, 0, 0, NULL, 0xffffffffUL));
    TRY("pivot_root", syscall(SYS_pivot_root, "/nonexistent-a", "/nonexistent-b"));
    TRY("swapon", syscall(SYS_swapon, "/nonexistent-swap", 0));
    TRY("syslog_read", syscall(SYS_syslog, 3 /* READ_ALL */, NULL, 0));
    printf("done opened=%d\n", opened);
    return opened ? 1 : 0;
}
