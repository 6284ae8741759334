import os

import pytest

from quiz.keys import Keyboard, TimeUp, split_keys


def test_split_keys_keeps_escape_sequences_whole():
    assert split_keys("e3\r") == ["e", "3", "\r"]
    assert split_keys("a\x1b[A\x1bOPb") == ["a", "\x1b[A", "\x1bOP", "b"]
    assert split_keys("层\x1b") == ["层", "\x1b"]


def test_a_pipe_delivers_every_key_in_order_and_a_split_utf8_character_survives():
    r, w = os.pipe()
    kb = Keyboard(fd=r, out=open(os.devnull, "w"))
    os.write(w, b"e3" + "层".encode()[:2])
    assert kb.key({"e", "3"}) == "e" and kb.key({"3"}) == "3"
    os.write(w, "层".encode()[2:] + b"x\x7fy\r")
    assert kb.get() == "层"
    assert kb.line(lambda: None) == "y"  # x typed, deleted with Backspace, y typed
    with pytest.raises(TimeUp):
        import time

        kb.key({"1"}, deadline=time.monotonic() + 0.05)
    os.close(w)
    with pytest.raises(EOFError):
        kb.get()
