# SPDX-License-Identifier: MIT
"""A minimal T=0 card for vpcd (test only): MANAGE CHANNEL, SELECT ISD-R,
STORE DATA answered through 61xx + GET RESPONSE; the command BF2D00 makes
the card vanish (socket closed) to test card removal mid-session."""
import socket
import struct
import sys
import time

ATR = bytes.fromhex("3B9F96801FC78031E073FE21136553494D830090009E")  # T=0 only
ISDR = "A0000005591010FFFFFFFF8900000100"
EID = bytes.fromhex("89049044900000000000000000102355")


def recv_exact(s, n):
    b = b""
    while len(b) < n:
        c = s.recv(n - len(b))
        if not c:
            raise EOFError
        b += c
    return b


def answer(d, state):
    if d == bytes.fromhex("0070000001"):
        return "019000"
    if d[1:3] == bytes.fromhex("7080"):
        return "9000"
    if d[0] == 0x01 and d[1] == 0xA4:
        return "9000" if d[5:].hex().upper() == ISDR else "6A82"
    if d[0] == 0x81 and d[1] == 0xE2:
        body = d[5:5 + d[4]]
        if body == bytes.fromhex("BF2D00"):
            return None
        if body[:2] == bytes.fromhex("BF3E"):
            state["pending"] = bytes.fromhex("BF3E125A10") + EID
        else:
            state["pending"] = bytes.fromhex("BF2E128010") + bytes(range(16))
        return "61%02X" % len(state["pending"])
    if d[0] == 0x81 and d[1] == 0xC0:
        r, state["pending"] = state["pending"], b""
        return r.hex() + "9000"
    return "6D00"


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 35963
    s = None
    for _ in range(200):
        try:
            s = socket.create_connection(("127.0.0.1", port))
            break
        except OSError:
            time.sleep(0.05)
    if s is None:
        sys.exit(1)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    state = {"pending": b""}
    while True:
        try:
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
            n = struct.unpack(">H", recv_exact(s, 2))[0]
            d = recv_exact(s, n)
        except (EOFError, OSError):
            return
        if n == 1:
            if d[0] == 4:
                s.sendall(struct.pack(">H", len(ATR)) + ATR)
            continue
        r = answer(d, state)
        if r is None:
            s.close()
            return
        rb = bytes.fromhex(r)
        s.sendall(struct.pack(">H", len(rb)) + rb)


main()
