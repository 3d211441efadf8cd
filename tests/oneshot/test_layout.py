"""The layouts: decisions x options of each space with a supernet, round trips, and the supernet they build."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from nasbench.errors import NasbenchError, UnknownName  # noqa: E402
from nasbench.live.data import ImageData  # noqa: E402
from nasbench.oneshot import SPACES  # noqa: E402
from nasbench.oneshot.layout import LAYOUTS, get_layout  # noqa: E402
from nasbench.oneshot.macro import MacroSupernet  # noqa: E402
from nasbench.oneshot.search import Settings, uniform_arch  # noqa: E402
from nasbench.oneshot.supernet import Supernet  # noqa: E402
from nasbench.spaces import get_space  # noqa: E402
from nasbench.spaces.macro import BLOCKS  # noqa: E402
from nasbench.spaces.nb201_cell import OPS  # noqa: E402
from nasbench.spaces.product import ProductArch  # noqa: E402


def test_every_space_with_a_supernet_has_a_layout() -> None:
    assert tuple(LAYOUTS) == SPACES == ("nb201", "macro")


def test_the_grids_are_the_papers() -> None:
    nb201, macro = get_layout("nb201"), get_layout("macro")
    assert (nb201.num_decisions, nb201.num_options, nb201.option_names) == (6, 5, OPS)  # 6 edges x 5 operations
    assert (macro.num_decisions, macro.num_options, macro.option_names) == (8, 3, BLOCKS)  # 8 layers x 3 blocks
    assert macro.num_options**macro.num_decisions == get_space("macro").size == 6561


@pytest.mark.parametrize("space", SPACES)
def test_choices_round_trip(space: str) -> None:
    layout, generator = get_layout(space), torch.Generator().manual_seed(0)
    for _ in range(50):
        arch = uniform_arch(generator, layout)
        choices = layout.to_choices(arch)
        assert len(choices) == layout.num_decisions and all(0 <= c < layout.num_options for c in choices)
        assert layout.from_choices(choices) == arch
        assert layout.parse(str(arch)) == arch
    assert layout.to_choices(layout.from_choices([1] * layout.num_decisions)) == (1,) * layout.num_decisions


def test_macro_choices_are_the_table_keys() -> None:
    arch = get_layout("macro").from_choices([0, 2, 0, 1, 2, 1, 0, 0])
    assert arch == ProductArch("macro", (0, 2, 0, 1, 2, 1, 0, 0)) and str(arch) == "02012100"


def test_uniform_draws_cover_every_macro_option() -> None:
    generator, layout = torch.Generator().manual_seed(1), get_layout("macro")
    seen = {c for _ in range(30) for c in enumerate(layout.to_choices(uniform_arch(generator, layout)))}
    assert len(seen) == 8 * 3


def test_bad_choices_and_spaces_are_refused() -> None:
    with pytest.raises(NasbenchError, match="expected 8 choices for macro, got 6"):
        get_layout("macro").from_choices([0] * 6)
    with pytest.raises(UnknownName, match=r"expected a space with a supernet \(nb201, macro\), got 'nb101'"):
        get_layout("nb101")


def test_each_layout_builds_its_supernet() -> None:
    settings = Settings(channels=4, cells=1)
    assert isinstance(get_layout("nb201").supernet(10, settings), Supernet)
    macro = get_layout("macro").supernet(10, Settings())
    assert isinstance(macro, MacroSupernet)
    norms = [m for m in macro.layers.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    assert norms and not any(m.affine or m.track_running_stats for m in norms)  # Settings' defaults, as NB201's cells
    assert macro.stem[1].affine and macro.stem[1].track_running_stats
    with pytest.raises(NasbenchError, match=r"expected no --channels for macro \(its network is fixed"):
        get_layout("macro").supernet(10, settings)


def test_a_fixed_network_records_no_size_and_nb201_keeps_its_own(tiny: ImageData) -> None:
    from dataclasses import asdict

    from nasbench.oneshot.run import build_method

    cpu = torch.device("cpu")
    macro = build_method("rsps", tiny, Settings(epochs=1), 0, cpu, "macro")
    assert (macro.settings.channels, macro.settings.cells) == (None, None)  # Macro's network takes no size
    assert asdict(build_method("rsps", tiny, macro.settings, 0, cpu, "macro").settings) == asdict(macro.settings)
    nb201 = build_method("rsps", tiny, Settings(epochs=1, channels=2, cells=1), 0, cpu, "nb201")
    assert (nb201.settings.channels, nb201.settings.cells) == (2, 1)
    assert (Settings().channels, Settings().cells) == (16, 5)  # NB201's defaults, recorded as before
    with pytest.raises(NasbenchError, match="expected --channels >= 1 for nb201, got None"):
        get_layout("nb201").supernet(10, Settings(channels=None))
