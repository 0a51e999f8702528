import dataclasses

from tests.validation.builder import Archive, hits, one_line_archive, refs


def _two_lines():
    archive, station, line, _pole, customer, source, transformer, _point = one_line_archive()
    other, bay = archive.line(station, "城东二线")
    other_pole = archive.node(other, after=bay)
    return archive, station, line, other, other_pole, customer, source, transformer


def test_recorded_line_differs_from_the_traced_line():
    archive, _station, _line, other, _pole, _customer, source, transformer = _two_lines()
    archive.replace(source, line_id=other.id, line_name=other.name)
    (hit,) = hits(archive, "topology.line_mismatch")
    assert refs(hit) == [("power_source", source.id), ("transformer", transformer.id)]
    assert hit.params["recorded"] == "城东二线" and hit.params["traced"] == "城东一线"


def test_the_trace_follows_the_network_not_the_node_label():
    """A transformer moved to the other line's pole is fed by that line, whatever the
    archive's source says."""
    archive, _station, _line, _other, other_pole, _customer, _source, transformer = _two_lines()
    archive.replace(transformer, node_id=other_pole.id)
    (hit,) = hits(archive, "topology.line_mismatch")
    assert hit.params["traced"] == "城东二线"


def test_a_name_differing_only_in_formatting_is_a_warning_naming_the_line():
    archive, _station, _line, *_rest = one_line_archive()
    source = archive.sources[archive.customers[0].id][0]
    archive.replace(source, line_id=None, line_name="10kV 城东一线")
    assert hits(archive, "topology.line_mismatch") == []
    (hit,) = hits(archive, "topology.line_name_format")
    assert hit.params["traced"] == "城东一线" and hit.params["recorded"] == "10kV 城东一线"


def test_an_unknown_line_name_is_an_error():
    archive, *_rest = one_line_archive()
    source = archive.sources[archive.customers[0].id][0]
    archive.replace(source, line_id=None, line_name="城北三线")
    (hit,) = hits(archive, "topology.line_mismatch")
    assert hit.key == "unknown"
    assert hits(archive, "topology.line_name_format") == []


def test_transformer_reachable_from_no_substation():
    archive, _station, line, _pole, customer, _source, transformer, _point = one_line_archive()
    island = archive.node(line)  # no edge joins it
    archive.replace(transformer, node_id=island.id)
    (hit,) = hits(archive, "topology.unreachable_transformer")
    assert refs(hit) == [("transformer", transformer.id), ("customer", customer.id)]
    assert hits(archive, "topology.line_mismatch") == []


def test_an_open_switch_cuts_off_what_lies_behind_it():
    archive = Archive()
    line, bay = archive.line(archive.substation("城东站"), "城东一线")
    pole = archive.node(line, after=bay)
    beyond = archive.node(line)
    archive.edge(pole, beyond, kind="switch", closed=False)
    _customer, _source, transformer, _point = archive.hv_customer(line, beyond)
    (hit,) = hits(archive, "topology.unreachable_transformer")
    assert refs(hit)[0] == ("transformer", transformer.id)


def test_a_closed_tie_switch_puts_transformers_on_two_feeders():
    archive, _station, line, other, other_pole, _customer, _source, transformer = _two_lines()
    pole = archive.nodes[transformer.node_id]
    tie = archive.edge(pole, other_pole, kind="tie_switch", closed=True)
    (hit,) = hits(archive, "topology.feeders_joined")
    assert refs(hit) == [
        ("feeder_line", line.id),
        ("feeder_line", other.id),
        ("network_edge", tie.id),
    ]
    assert hit.params["count"] == 1
    # The transformer has no single line: the mismatch rule leaves it to this one.
    assert hits(archive, "topology.line_mismatch") == []


def test_source_naming_a_line_of_another_substation():
    archive, _station, line, _pole, _customer, source, *_ = one_line_archive()
    west = archive.substation("城西站")
    archive.replace(source, substation_id=west.id)
    (hit,) = hits(archive, "topology.source_substation")
    assert refs(hit) == [("power_source", source.id), ("feeder_line", line.id)]
    assert hit.params["expected"] == "城东站" and hit.params["recorded"] == "城西站"


def test_backup_on_the_main_source_line():
    archive, _station, line, _pole, customer, main, *_ = one_line_archive()
    backup = archive.source(customer, line, kind="backup")
    (hit,) = hits(archive, "topology.source_separation")
    assert hit.key == "same_line"
    assert refs(hit) == [("power_source", backup.id), ("power_source", main.id)]


def test_first_grade_backup_from_the_same_substation():
    archive, _station, _line, other, _pole, customer, _main, _t = _two_lines()
    archive.replace(customer, importance="first")
    archive.source(archive.customers[0], other, kind="backup")
    (hit,) = hits(archive, "topology.source_separation")
    assert hit.key == "same_substation"
    # A second-grade customer may take both circuits from one substation.
    archive.replace(archive.customers[0], importance="second")
    assert hits(archive, "topology.source_separation") == []


def test_important_customer_needs_enough_independent_sources():
    archive, *_rest, customer, _s, _t, _p = one_line_archive()
    archive.replace(customer, importance="special")
    (hit,) = hits(archive, "topology.important_sources")
    assert hit.params == {"importance": "special", "needed": 3, "found": 1}
    assert hit.key == "substations"


def test_line_loading_beyond_its_rating():
    archive, _station, line, pole, customer, *_ = one_line_archive()
    assert hits(archive, "topology.line_overload") == []
    archive.lines[line.id] = dataclasses.replace(line, rated_current_a=30)  # 520 kVA
    archive.transformer(customer, pole, 400, state="paused")
    (hit,) = hits(archive, "topology.line_overload")
    assert refs(hit) == [("feeder_line", line.id)]
    assert hit.params["kva"] == 630  # the paused 400 kVA transformer carries no load
