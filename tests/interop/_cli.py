"""How the interop scripts run `picklejar` command lines (a module they share, not a test).

With --cli-batch (CTest passes <build>/bin/picklejar_cli_batch), every command line goes to one
picklejar_cli_batch process, which runs the CLI's own code (tools/picklejar/cli.cc) for each: the
scripts run thousands of them, and a process per command costs more than the work in the sanitized
build. Without it, each command is its own `--cli` process (to check an installed picklejar:
`load_random.py --cli /usr/bin/picklejar`). Either way a command cannot read standard input.
"""
import subprocess


class Result:
    def __init__(self, returncode, stdout, stderr):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


def add_arguments(ap):
    ap.add_argument('--cli', required=True, help='the picklejar CLI')
    ap.add_argument('--cli-batch', help='picklejar_cli_batch: run every command line in one process')


class Cli:
    def __init__(self, cli, batch=None):
        self.cli = cli
        self.proc = None
        if batch:
            self.proc = subprocess.Popen([batch], stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    @classmethod
    def from_args(cls, args):
        return cls(args.cli, args.cli_batch)

    def run(self, args):
        """Runs `picklejar ARGS...`; returns its exit status and its output as bytes."""
        args = [str(a) for a in args]
        if self.proc is None:
            r = subprocess.run([self.cli] + args, stdin=subprocess.DEVNULL, capture_output=True)
            return Result(r.returncode, r.stdout, r.stderr)
        if any('\0' in a or '\n' in a for a in args):
            raise ValueError('picklejar_cli_batch arguments cannot hold NUL or newline: %r' % args)
        self.proc.stdin.write(b''.join(a.encode() + b'\0' for a in args) + b'\n')
        self.proc.stdin.flush()
        head = self.proc.stdout.readline()
        if not head:
            status = self.proc.wait()
            raise RuntimeError('picklejar_cli_batch ended (exit %d) running: picklejar %s'
                               % (status, ' '.join(args)))
        status, out_len, err_len = (int(x) for x in head.split())
        out = self._read(out_len)
        return Result(status, out, self._read(err_len))

    def _read(self, n):
        data = self.proc.stdout.read(n)
        if len(data) != n:
            raise RuntimeError('picklejar_cli_batch ended in the middle of a response')
        return data

    def close(self):
        """Ends the batch process; its exit status must be 0 (a leak report makes it fail)."""
        if self.proc is not None:
            self.proc.stdin.close()
            status = self.proc.wait()
            self.proc = None
            if status != 0:
                raise RuntimeError('picklejar_cli_batch exited with status %d' % status)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
