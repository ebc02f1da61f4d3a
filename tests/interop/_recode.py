"""picklejar's load + dump, called from Python (a module the interop scripts share, not a test).

Recoder talks to one <build>/bin/picklejar_recode_server process (tests/interop/recode_server.cc):
recode(data, protocol) loads `data` with picklejar and dumps what it loaded at `protocol`, as
`picklejar recode` does, without a process or a file per call. A picklejar error comes back as
RecodeError with its code, offset, opcode and message.
"""
import os
import subprocess


class RecodeError(Exception):
    def __init__(self, code, offset, opcode, message):
        super().__init__('%s at offset %s (opcode %s): %s' % (code, offset, opcode, message))
        self.code, self.offset, self.opcode, self.message = code, offset, opcode, message


class Recoder:
    def __init__(self, build_dir=None, server=None):
        if server is None:
            server = os.path.join(build_dir, 'bin', 'picklejar_recode_server')
        self.proc = subprocess.Popen([server], stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def recode(self, data, protocol=-1, *, buffers=None, out_of_band=False, fix_imports=True,
               encoding='ASCII', extensions=None, fast=False):
        """Returns (pickle bytes, [(buffer bytes, readonly), ...]) or raises RecodeError.

        protocol -1: the protocol `data` was written with. buffers: None (like pickle.loads'
        buffers=None) or a sequence of bytes-like objects (a read-only memoryview stays
        read-only). out_of_band: dump with a buffer_callback that keeps every PickleBuffer out of
        band (the returned list); else every buffer is written in-band. extensions: copyreg's
        registry as {code: (module, qualname)} (copyreg._inverted_registry), for load and dump.
        fast: dump as CPython's Pickler.fast (no memo).
        """
        data = bytes(data)
        head = [str(protocol), '1' if out_of_band else '0', '1' if fix_imports else '0', encoding]
        blobs = [data]
        if buffers is None:
            head += ['-1', str(len(data))]
        else:
            head += [str(len(buffers)), str(len(data))]
            for b in buffers:
                m = memoryview(b)
                head += [str(m.nbytes), '1' if m.readonly else '0']
                blobs.append(m.tobytes())
        if extensions:
            head += ['EXT', str(len(extensions))]
            for code, (module, name) in sorted(extensions.items()):
                head += [str(code), module, name]
        if fast:
            head.append('FAST')
        if any(' ' in h or '\n' in h for h in head):
            raise ValueError('bad request field: %r' % head)
        self.proc.stdin.write(' '.join(head).encode() + b'\n')
        for blob in blobs:  # one at a time: no copy of a big pickle
            self.proc.stdin.write(blob)
        self.proc.stdin.flush()
        reply = self.proc.stdout.readline()
        if not reply:
            status = self.proc.wait()
            raise RuntimeError('picklejar_recode_server ended (exit %d)' % status)
        fields = reply.split()
        if fields[0] == b'ERR':
            code, offset, opcode, n = fields[1].decode(), int(fields[2]), int(fields[3]), int(fields[4])
            raise RecodeError(code, None if offset < 0 else offset, None if opcode < 0 else opcode,
                              self._read(n).decode('utf-8', 'replace'))
        n, nbuf = int(fields[1]), int(fields[2])
        out = self._read(n)
        sizes = [(int(fields[3 + 2 * i]), fields[4 + 2 * i] == b'1') for i in range(nbuf)]
        return out, [(self._read(size), ro) for size, ro in sizes]

    def _read(self, n):
        data = self.proc.stdout.read(n)
        if len(data) != n:
            raise RuntimeError('picklejar_recode_server ended in the middle of a response')
        return data

    def close(self):
        """Ends the server; its exit status must be 0 (a sanitizer report makes it fail)."""
        self.proc.stdin.close()
        status = self.proc.wait()
        if status != 0:
            raise RuntimeError('picklejar_recode_server exited with %d' % status)
