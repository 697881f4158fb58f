"""Tests for pywebio_lite.template: the mustache subset behind put_widget."""
import pytest

from pywebio_lite import template as tpl
from pywebio_lite.template import render_template as render


class FakeOutput:
    """Stands in for a put_xxx() output object."""

    def __init__(self, name):
        self.name = name

    def __str__(self):
        return f"<FakeOutput {self.name}>"


class FakeEmbed:
    """Gives each FakeOutput a slot placeholder; anything else is not an output."""

    def __init__(self):
        self.seen = []

    def __call__(self, value):
        self.seen.append(value)
        if isinstance(value, FakeOutput):
            return f'<div data-pwl-slot="{value.name}"></div>'
        return None


class TestVariables:
    def test_plain_text_passes_through(self):
        assert render("Hello, world!", {}) == "Hello, world!"

    def test_empty_template(self):
        assert render("", {"a": 1}) == ""

    def test_basic(self):
        assert render("Hi {{name}}!", {"name": "Ann"}) == "Hi Ann!"

    def test_whitespace_inside_tag(self):
        assert render("{{ name }}|{{&  name }}", {"name": "x"}) == "x|x"

    def test_escaped(self):
        data = {"v": "<b>&\"'</b>"}
        assert render("{{v}}", data) == "&lt;b&gt;&amp;&quot;&#x27;&lt;/b&gt;"

    def test_ampersand_is_raw(self):
        assert render("{{& v}}", {"v": "<b>x</b>"}) == "<b>x</b>"
        assert render("{{&v}}", {"v": "<b>x</b>"}) == "<b>x</b>"

    def test_triple_mustache_is_raw(self):
        assert render("{{{v}}}", {"v": "<i>&</i>"}) == "<i>&</i>"
        assert render("{{{ v }}}", {"v": "<i>&</i>"}) == "<i>&</i>"

    def test_numbers_and_bools_via_str(self):
        data = {"i": 42, "f": 1.5, "t": True, "z": 0, "no": False}
        assert render("{{i}} {{f}} {{t}} {{z}} {{no}}", data) == "42 1.5 True 0 False"

    def test_none_is_empty(self):
        assert render("[{{v}}][{{&v}}][{{{v}}}]", {"v": None}) == "[][][]"

    def test_missing_is_empty(self):
        assert render("[{{nope}}][{{a.b.c}}]", {"a": {}}) == "[][]"

    def test_other_objects_via_str_and_escaped(self):
        assert render("{{v}}", {"v": ["<a>", 1]}) == "[&#x27;&lt;a&gt;&#x27;, 1]"

    def test_non_ascii(self):
        assert render("{{v}} ✓", {"v": "héllo 世界"}) == "héllo 世界 ✓"

    def test_braces_in_values_are_not_reparsed(self):
        assert render("{{& v}}", {"v": "{{other}}"}) == "{{other}}"

    def test_lone_braces_in_text(self):
        assert render("a { b } c }} d", {}) == "a { b } c }} d"


class TestDottedNames:
    def test_dotted(self):
        assert render("{{a.b.c}}", {"a": {"b": {"c": "deep"}}}) == "deep"

    def test_dotted_list_index(self):
        assert render("{{items.1}}", {"items": ["x", "y"]}) == "y"
        assert render("[{{items.5}}]", {"items": ["x"]}) == "[]"

    def test_dotted_on_non_container_is_empty(self):
        assert render("[{{a.b}}]", {"a": "text"}) == "[]"

    def test_dot_is_current_item(self):
        assert render("{{#xs}}<{{.}}>{{/xs}}", {"xs": ["a", "<b>"]}) == "<a><&lt;b&gt;>"

    def test_dotted_first_part_uses_stack_rest_does_not(self):
        # Spec: "a.b" finds "a" on the stack; "b" is looked up only inside that "a".
        data = {"a": {"b": "outer"}, "inner": {"a": {"x": 1}}}
        assert render("{{#inner}}[{{a.b}}]{{/inner}}", data) == "[]"

    def test_dotted_section(self):
        data = {"a": {"b": [1, 2]}}
        assert render("{{#a.b}}{{.}},{{/a.b}}", data) == "1,2,"

    @pytest.mark.parametrize("bad", ["{{a..b}}", "{{.a}}", "{{a.}}"])
    def test_malformed_dotted(self, bad):
        with pytest.raises(ValueError, match="dotted"):
            render(bad, {})


class TestSections:
    def test_truthy_scalar_renders_once(self):
        assert render("{{#ok}}yes{{/ok}}", {"ok": True}) == "yes"

    @pytest.mark.parametrize("value", [False, None, 0, "", [], ()])
    def test_falsy_skipped(self, value):
        assert render("a{{#v}}X{{/v}}b", {"v": value}) == "ab"

    def test_missing_skipped(self):
        assert render("a{{#v}}X{{/v}}b", {}) == "ab"

    def test_list_repeats_with_item_pushed(self):
        data = {"people": [{"n": "A"}, {"n": "B"}, {"n": "C"}]}
        assert render("{{#people}}{{n}};{{/people}}", data) == "A;B;C;"

    def test_tuple_is_a_list(self):
        assert render("{{#t}}{{.}}{{/t}}", {"t": (1, 2, 3)}) == "123"

    def test_dict_pushed_once(self):
        assert render("{{#user}}{{name}} {{age}}{{/user}}", {"user": {"name": "A", "age": 3}}) \
            == "A 3"

    def test_empty_dict_is_truthy_like_mustache_js(self):
        assert render("{{#d}}X{{/d}}{{^d}}Y{{/d}}", {"d": {}}) == "X"

    def test_string_pushed_once(self):
        assert render("{{#s}}<{{.}}>{{/s}}", {"s": "hi"}) == "<hi>"

    def test_context_stack_lookup_falls_back_to_parent(self):
        data = {"sep": "-", "xs": [{"v": 1}, {"v": 2, "sep": "+"}]}
        assert render("{{#xs}}{{v}}{{sep}}{{/xs}}", data) == "1-2+"

    def test_scalar_items_fall_back_to_parent(self):
        assert render("{{#xs}}{{p}}{{.}}{{/xs}}", {"p": "-", "xs": [1, 2]}) == "-1-2"

    def test_nested_sections(self):
        data = {"rows": [{"cells": [1, 2]}, {"cells": [3]}]}
        out = render("{{#rows}}[{{#cells}}{{.}}{{/cells}}]{{/rows}}", data)
        assert out == "[12][3]"

    def test_nested_same_name(self):
        data = {"a": {"a": {"v": "in"}, "v": "mid"}, "v": "top"}
        assert render("{{#a}}{{#a}}{{v}}{{/a}}{{v}}{{/a}}{{v}}", data) == "inmidtop"

    def test_dot_section(self):
        assert render("{{#xs}}{{#.}}[{{.}}]{{/.}}{{/xs}}", {"xs": [1, 0, 2]}) == "[1][2]"

    def test_list_of_lists(self):
        assert render("{{#m}}({{#.}}{{.}}{{/.}}){{/m}}", {"m": [[1, 2], [3]]}) == "(12)(3)"

    def test_section_same_variable_used_twice(self):
        assert render("{{#a}}1{{/a}}{{#a}}2{{/a}}", {"a": True}) == "12"

    def test_callable_is_not_a_lambda(self):
        # Lambdas are not supported: a callable is just a truthy object.
        assert render("{{#f}}X{{/f}}", {"f": len}) == "X"


class TestInverted:
    @pytest.mark.parametrize("value", [False, None, 0, "", [], ()])
    def test_falsy_renders(self, value):
        assert render("{{^v}}none{{/v}}", {"v": value}) == "none"

    def test_missing_renders(self):
        assert render("{{^v}}none{{/v}}", {}) == "none"

    @pytest.mark.parametrize("value", [True, 1, "x", [0], {"a": 1}, {}])
    def test_truthy_skipped(self, value):
        assert render("a{{^v}}none{{/v}}b", {"v": value}) == "ab"

    def test_inverted_does_not_push(self):
        # "." is still the enclosing context (here the data dict itself), not the falsy value.
        assert render("{{^v}}{{#.}}{{w}}{{/.}}{{/v}}", {"v": [], "w": "top"}) == "top"

    def test_list_or_empty_pattern(self):
        t = "{{#xs}}{{.}}{{/xs}}{{^xs}}empty{{/xs}}"
        assert render(t, {"xs": []}) == "empty"
        assert render(t, {"xs": ["a"]}) == "a"


class TestComments:
    def test_inline_comment_removed(self):
        assert render("a{{! hidden }}b", {}) == "ab"

    def test_multiline_comment(self):
        assert render("a{{! one\ntwo\n}}b", {}) == "ab"

    def test_comment_ends_at_first_close(self):
        # The comment runs to the first "}}", so an opening-looking tag inside is just text.
        assert render("a{{! {{#x }}b", {}) == "ab"


class TestStandalone:
    """Mustache spec, "Standalone" lines."""

    def test_section_lines_removed(self):
        t = "<ul>\n  {{#xs}}\n  <li>{{.}}</li>\n  {{/xs}}\n</ul>\n"
        assert render(t, {"xs": [1, 2]}) == "<ul>\n  <li>1</li>\n  <li>2</li>\n</ul>\n"

    def test_inverted_lines_removed(self):
        t = "a\n{{^xs}}\nnone\n{{/xs}}\nb"
        assert render(t, {"xs": []}) == "a\nnone\nb"

    def test_comment_line_removed(self):
        assert render("a\n  {{! note }}\nb", {}) == "a\nb"

    def test_multiline_standalone_comment(self):
        assert render("a\n{{!\n note\n}}\nb", {}) == "a\nb"

    def test_crlf(self):
        assert render("a\r\n{{#t}}\r\nx\r\n{{/t}}\r\nb", {"t": True}) == "a\r\nx\r\nb"

    def test_tabs_and_trailing_spaces(self):
        assert render("a\n\t {{#t}} \t\nx\n{{/t}}\nb", {"t": True}) == "a\nx\nb"

    def test_at_template_start(self):
        assert render("{{#t}}\nx\n{{/t}}\n", {"t": True}) == "x\n"

    def test_at_template_end_without_newline(self):
        assert render("x\n{{#t}}\ny\n  {{/t}}", {"t": True}) == "x\ny\n"

    def test_not_standalone_with_text(self):
        assert render(" a {{#t}}x{{/t}} b\n", {"t": True}) == " a x b\n"

    def test_not_standalone_with_another_tag(self):
        assert render("{{v}} {{#t}}\nx{{/t}}", {"v": 1, "t": True}) == "1 \nx"

    def test_variable_never_standalone(self):
        assert render("a\n  {{v}}\nb", {"v": ""}) == "a\n  \nb"

    def test_two_tags_on_a_line_are_not_standalone(self):
        assert render("a\n{{#t}}{{/t}}\nb", {"t": True}) == "a\n\nb"

    def test_section_skipped_leaves_no_blank_lines(self):
        t = "a\n{{#xs}}\n- {{.}}\n{{/xs}}\nb\n"
        assert render(t, {"xs": []}) == "a\nb\n"

    def test_indented_widget_template(self):
        t = ('<div class="card">\n'
             '  {{#title}}\n'
             '  <h5>{{title}}</h5>\n'
             '  {{/title}}\n'
             '  <p>{{body}}</p>\n'
             '</div>')
        assert render(t, {"title": "T", "body": "B"}) == \
            '<div class="card">\n  <h5>T</h5>\n  <p>B</p>\n</div>'
        assert render(t, {"body": "B"}) == '<div class="card">\n  <p>B</p>\n</div>'


class TestErrors:
    def test_unclosed_section_names_tag(self):
        with pytest.raises(ValueError, match=r"unclosed section '\{\{#items\}\}'.*line 1"):
            render("{{#items}}x", {})

    def test_unclosed_inverted_names_tag(self):
        with pytest.raises(ValueError, match=r"\{\{\^none\}\}.*line 2"):
            render("a\n{{^none}}x", {})

    def test_mismatched_close_names_both(self):
        with pytest.raises(ValueError, match=r"\{\{/a\}\}.*closes '\{\{#b\}\}'"):
            render("{{#a}}{{#b}}{{/a}}{{/b}}", {})

    def test_close_without_open(self):
        with pytest.raises(ValueError, match=r"\{\{/x\}\}.*no open section"):
            render("a{{/x}}", {})

    def test_unclosed_tag(self):
        with pytest.raises(ValueError, match="unclosed tag"):
            render("a {{name", {})

    def test_unclosed_triple(self):
        with pytest.raises(ValueError, match="unclosed tag"):
            render("a {{{name}}", {})

    @pytest.mark.parametrize("bad", ["{{}}", "{{ }}", "{{#}}{{/}}", "{{&}}", "{{{}}}"])
    def test_empty_name(self, bad):
        with pytest.raises(ValueError, match="empty tag name"):
            render(bad, {})

    def test_whitespace_in_name(self):
        with pytest.raises(ValueError, match="whitespace"):
            render("{{a b}}", {})

    def test_partials_rejected(self):
        with pytest.raises(ValueError, match="partials"):
            render("{{> part}}", {})

    def test_set_delimiter_rejected(self):
        with pytest.raises(ValueError, match="set-delimiter"):
            render("{{=<% %>=}}", {})

    def test_too_deep(self):
        n = tpl.MAX_SECTION_DEPTH + 1
        with pytest.raises(ValueError, match="nested deeper"):
            render("{{#a}}" * n + "{{/a}}" * n, {})

    def test_max_depth_is_fine(self):
        n = tpl.MAX_SECTION_DEPTH
        assert render("{{#a}}" * n + "x" + "{{/a}}" * n, {"a": True}) == "x"

    def test_template_type(self):
        with pytest.raises(TypeError, match="template"):
            render(b"{{a}}", {})

    def test_data_type(self):
        with pytest.raises(TypeError, match="data"):
            render("{{a}}", ["a"])

    def test_data_none_is_empty(self):
        assert render("[{{a}}]", None) == "[]"

    def test_embed_type(self):
        with pytest.raises(TypeError, match="embed"):
            render("{{a}}", {}, embed="nope")

    def test_error_is_not_cached(self):
        for _ in range(2):
            with pytest.raises(ValueError):
                render("{{#x}}", {})


class TestEmbeddedOutputs:
    """put_widget places put_xxx() outputs through embed()."""

    def test_pywebio_output_parse_over_list(self):
        embed = FakeEmbed()
        t = '<div class="x">{{#contents}}{{& pywebio_output_parse}}{{/contents}}</div>'
        data = {"contents": [FakeOutput("1"), FakeOutput("2")]}
        assert render(t, data, embed=embed) == (
            '<div class="x"><div data-pwl-slot="1"></div><div data-pwl-slot="2"></div></div>')

    def test_pywebio_output_parse_escaped_tag_still_raw_for_outputs(self):
        t = "{{#c}}{{pywebio_output_parse}}{{/c}}"
        assert render(t, {"c": [FakeOutput("a")]}, embed=FakeEmbed()) == \
            '<div data-pwl-slot="a"></div>'

    def test_pywebio_output_parse_current_item_is_output(self):
        t = "<p>{{#out}}{{& pywebio_output_parse}}{{/out}}</p>"
        assert render(t, {"out": FakeOutput("7")}, embed=FakeEmbed()) == \
            '<p><div data-pwl-slot="7"></div></p>'

    def test_pywebio_output_parse_text_items(self):
        t = "{{#c}}[{{pywebio_output_parse}}|{{& pywebio_output_parse}}]{{/c}}"
        out = render(t, {"c": ["<b>", 3, None]}, embed=FakeEmbed())
        assert out == "[&lt;b&gt;|<b>][3|3][|]"

    def test_pywebio_output_parse_mixed_list(self):
        t = "{{#c}}{{& pywebio_output_parse}};{{/c}}"
        out = render(t, {"c": ["<i>t</i>", FakeOutput("o")]}, embed=FakeEmbed())
        assert out == '<i>t</i>;<div data-pwl-slot="o"></div>;'

    def test_pywebio_output_parse_non_output_object_is_text(self):
        class Thing:
            def __str__(self):
                return "<thing>"
        t = "{{#c}}{{pywebio_output_parse}}{{/c}}"
        assert render(t, {"c": [Thing()]}, embed=FakeEmbed()) == "&lt;thing&gt;"

    def test_any_variable_resolving_to_output(self):
        embed = FakeEmbed()
        data = {"a": FakeOutput("x"), "box": {"inner": FakeOutput("y")}}
        assert render("{{a}}|{{&a}}|{{{a}}}|{{box.inner}}", data, embed=embed) == (
            '<div data-pwl-slot="x"></div>|<div data-pwl-slot="x"></div>|'
            '<div data-pwl-slot="x"></div>|<div data-pwl-slot="y"></div>')

    def test_dot_resolving_to_output(self):
        t = "{{#c}}{{.}}{{/c}}"
        assert render(t, {"c": [FakeOutput("d")]}, embed=FakeEmbed()) == \
            '<div data-pwl-slot="d"></div>'

    def test_output_in_dict_items(self):
        t = "{{#rows}}<td>{{label}}</td><td>{{& cell}}</td>{{/rows}}"
        data = {"rows": [{"label": "<L>", "cell": FakeOutput("c1")}]}
        assert render(t, data, embed=FakeEmbed()) == \
            '<td>&lt;L&gt;</td><td><div data-pwl-slot="c1"></div></td>'

    def test_embed_not_asked_about_plain_values(self):
        embed = FakeEmbed()
        render("{{a}}{{b}}{{c}}{{d}}{{e}}", {"a": "s", "b": 1, "c": 1.5, "d": True, "e": None},
               embed=embed)
        assert embed.seen == []

    def test_embed_returning_non_str_means_not_an_output(self):
        assert render("{{v}}", {"v": ["<x>"]}, embed=lambda v: 123) == "[&#x27;&lt;x&gt;&#x27;]"

    def test_without_embed_outputs_are_text(self):
        assert render("{{v}}", {"v": FakeOutput("n")}) == "&lt;FakeOutput n&gt;"

    def test_output_as_section_value_is_truthy(self):
        assert render("{{#v}}yes{{/v}}{{^v}}no{{/v}}", {"v": FakeOutput("n")}) == "yes"

    def test_embed_called_once_per_occurrence_in_order(self):
        embed = FakeEmbed()
        outs = [FakeOutput(str(i)) for i in range(3)]
        render("{{#c}}{{& pywebio_output_parse}}{{/c}}", {"c": outs}, embed=embed)
        assert embed.seen == outs


class TestCache:
    def test_compiled_once(self):
        tpl.clear_cache()
        t = "<b>{{#xs}}{{.}}{{/xs}}</b>"
        for i in range(1000):
            assert render(t, {"xs": [i]}) == f"<b>{i}</b>"
        info = tpl.cache_info()
        assert info.misses == 1
        assert info.hits == 999

    def test_lru_bounded(self):
        tpl.clear_cache()
        for i in range(tpl.CACHE_SIZE + 10):
            render(f"{{{{a}}}}{i}", {"a": ""})
        assert tpl.cache_info().currsize == tpl.CACHE_SIZE

    def test_same_template_different_data(self):
        t = "{{x}}"
        assert render(t, {"x": "1"}) == "1"
        assert render(t, {"x": "2"}) == "2"
