/* SPDX-License-Identifier: MIT */
/*
 * Where the confirmation code comes from (issue 11 item 5): a hidden prompt
 * on the terminal when the SM-DP+ asks for one, --confirmation-code-file F,
 * or standard input (--confirmation-code -). On the command line it still
 * works but is visible to every user of the machine (ps, /proc/PID/cmdline),
 * so it is warned about. The code is kept in struct cli's buffer, handed to
 * the library by pointer and wiped when the command ends.
 */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

/* One line (no end-of-line) from @fd into cli->cc_buf; 0 or -1 (too long, empty, unreadable). */
static int read_line(struct cli *cli, int fd)
{
    size_t n = 0;
    char c;
    ssize_t r;
    while ((r = read(fd, &c, 1)) == 1 && c != '\n') {
        if (n + 1 >= sizeof cli->cc_buf)
            return -1;
        cli->cc_buf[n++] = c;
    }
    if (r < 0)
        return -1;
    if (n && cli->cc_buf[n - 1] == '\r')
        n--;
    cli->cc_buf[n] = '\0';
    return n ? 0 : -1;
}

int cli_confirmation_code_setup(struct cli *cli, struct cli_download_args *a)
{
    if (a->confirmation_code && a->confirmation_code_file)
        return cli_usage(cli, "give --confirmation-code or --confirmation-code-file, not both");
    if (a->confirmation_code_file) {
        int fd = open(a->confirmation_code_file, O_RDONLY | O_CLOEXEC);
        int err = fd < 0 ? errno : 0;
        int rc = fd < 0 ? -1 : read_line(cli, fd);
        if (fd >= 0)
            close(fd);
        if (rc != 0) {
            cli_wipe_confirmation_code(cli);
            return cli_usage(cli, "cannot read a confirmation code from %s%s%s", a->confirmation_code_file,
                             err ? ": " : " (one line of at most 128 bytes)", err ? strerror(err) : "");
        }
        a->confirmation_code = cli->cc_buf;
    } else if (a->confirmation_code && strcmp(a->confirmation_code, "-") == 0) {
        if (read_line(cli, STDIN_FILENO) != 0) {
            cli_wipe_confirmation_code(cli);
            return cli_usage(cli, "cannot read a confirmation code from standard input "
                                  "(one line of at most 128 bytes)");
        }
        a->confirmation_code = cli->cc_buf;
    } else if (a->confirmation_code) {
        fprintf(stderr, "esimlpa: warning: a confirmation code on the command line is visible to "
                        "other users (ps, /proc); use --confirmation-code-file FILE or "
                        "--confirmation-code - (standard input), or let esimlpa ask for it\n");
    } else {
        a->confirmation_code = cli->cc_buf;   /* "" until the prompt fills it */
        cli->cc_prompt = 1;
    }
    return EXIT_OK;
}

void cli_confirmation_code_ask(struct cli *cli, int cc_required)
{
    if (!cc_required || !cli->cc_prompt || cli->cc_buf[0])
        return;
    int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return;   /* no terminal: the library reports that a code is needed */
    struct termios old, quiet;
    int have_tty = tcgetattr(fd, &old) == 0;
    if (have_tty) {
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        quiet.c_lflag |= ECHONL;
        tcsetattr(fd, TCSAFLUSH, &quiet);
    }
    static const char prompt[] = "Confirmation code (not shown): ";
    if (write(fd, prompt, sizeof prompt - 1) < 0 || read_line(cli, fd) != 0)
        cli->cc_buf[0] = '\0';
    if (have_tty)
        tcsetattr(fd, TCSAFLUSH, &old);
    close(fd);
}

void cli_wipe_confirmation_code(struct cli *cli)
{
    explicit_bzero(cli->cc_buf, sizeof cli->cc_buf);
}
