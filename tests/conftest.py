import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # tiny tensors; also inherited by verifier subprocesses

import pytest  # noqa: E402

from quiz import verify  # noqa: E402
from quiz.store import Store  # noqa: E402


@pytest.fixture(autouse=True)
def quiz_home(tmp_path, monkeypatch):
    """A fresh data dir per test: no test ever touches the user's real progress."""
    home = tmp_path / "quiz-home"
    monkeypatch.setenv("QUIZ_HOME", str(home))
    monkeypatch.delenv("QUIZ_BANKS", raising=False)
    return home


@pytest.fixture
def store(quiz_home):
    """A real store in the test's own data dir, closed afterwards (a module may define its own `store`)."""
    s = Store.open(quiz_home)
    yield s
    s.close()


def load_verifier(name: str):
    """The verifier module `verifiers/<name>.py`, loaded the way the quiz loads it."""
    return verify.load(name)


@pytest.fixture(scope="module")
def one_thread():
    """Verifier tensors are tiny: a second intra-op thread only adds contention on a busy machine. Modules that
    run many verifiers in-process use it with `pytestmark = pytest.mark.usefixtures("one_thread")`."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
