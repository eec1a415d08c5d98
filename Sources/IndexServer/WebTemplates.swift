import Mustache

/// The pages' templates and stylesheet, compiled into the binary so `serve` needs no files.
/// Every value goes through `{{…}}`, which escapes HTML; no template uses `{{{…}}}`.
enum WebTemplates {
    static let header = """
        {{#frame}}<!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · wheelwright</title><link rel="stylesheet" href="{{frame.prefix}}/+static/style.css"></head>
        <body><header><a class="brand" href="{{frame.prefix}}/">wheelwright</a> <a href="{{frame.prefix}}/+builds/">builds</a>
        <form action="{{frame.prefix}}/+search" method="get"><input type="search" name="q" value="{{query}}" placeholder="search projects" aria-label="search projects"></form></header>
        <main>{{/frame}}
        """

    static let footer = """
        </main><footer>wheelwright {{frame.version}} · <a href="{{frame.prefix}}/+health">health</a> · <a href="{{frame.prefix}}/+metrics">metrics</a></footer></body></html>
        """

    static let root = """
        {{> header}}
        <h1>Indices</h1>
        {{#users}}
        <section><h2>{{name}}</h2>
        <table><thead><tr><th>index</th><th>bases</th><th class="n">projects</th><th class="n">files</th><th>last upload</th></tr></thead><tbody>
        {{#indices}}<tr><td><a href="{{frame.prefix}}/{{path}}/">{{path}}</a>{{#volatile}} <span class="tag">volatile</span>{{/volatile}}</td><td>{{bases}}</td><td class="n">{{projects}}</td><td class="n">{{files}}</td><td>{{last}}</td></tr>
        {{/indices}}</tbody></table></section>
        {{/users}}
        {{^users}}<p>No indices yet: <code>wheelwright index create USER/NAME</code>.</p>{{/users}}
        {{> footer}}
        """

    static let index = """
        {{> header}}
        <h1>{{path}}</h1>
        <p class="meta">bases: {{bases}} · simple API: <a href="{{frame.prefix}}/{{path}}/+simple/">/{{path}}/+simple/</a> · <code>pip install -i {{simple}} NAME</code></p>
        <form method="get" class="filter"><input type="search" name="filter" value="{{filter}}" placeholder="filter projects" aria-label="filter projects"> <button>filter</button></form>
        <p class="meta">{{total}} projects{{#filtering}} matching “{{filter}}”{{/filtering}}; page {{page}} of {{pages}}</p>
        <table><thead><tr><th>project</th><th>newest version</th><th class="n">files</th><th>last upload</th></tr></thead><tbody>
        {{#projects}}<tr><td><a href="{{frame.prefix}}/{{path}}/{{name}}/">{{name}}</a></td><td>{{newest}}</td><td class="n">{{files}}</td><td>{{last}}</td></tr>
        {{/projects}}</tbody></table>
        <nav class="pages">{{#previous}}<a rel="prev" href="{{previous}}">← previous</a>{{/previous}} {{#next}}<a rel="next" href="{{next}}">next →</a>{{/next}}</nav>
        {{> footer}}
        """

    static let project = """
        {{> header}}
        <h1>{{name}}</h1>
        <p class="summary">{{summary}}</p>
        <p class="meta">in <a href="{{frame.prefix}}/{{path}}/">{{path}}</a> · simple API: <a href="{{frame.prefix}}/{{path}}/+simple/{{name}}/">/{{path}}/+simple/{{name}}/</a></p>
        {{#versions}}
        <section class="version"><h2>{{version}}</h2>
        <table><thead><tr><th>file</th><th class="n">size</th><th>kind</th><th>Python</th><th>platform</th><th>target OS</th><th>uploaded</th><th>sha256</th></tr></thead><tbody>
        {{#files}}<tr{{#yanked}} class="yanked"{{/yanked}}><td><a href="{{url}}">{{filename}}</a>{{#yanked}} <span class="tag">yanked{{#reason}}: {{reason}}{{/reason}}</span>{{/yanked}}
        {{#log}}<br><a href="{{log}}">build log</a>{{/log}}{{#hasProvenance}}<details><summary>provenance</summary><dl>{{#provenance}}<dt>{{key}}</dt><dd>{{value}}</dd>{{/provenance}}</dl></details>{{/hasProvenance}}</td>
        <td class="n">{{size}}</td><td>{{kind}}</td><td>{{python}}</td><td>{{platform}}</td><td>{{target}}</td><td>{{uploaded}} by {{uploader}}</td><td><code title="{{sha256}}">{{shortSHA}}</code></td></tr>
        {{/files}}</tbody></table></section>
        {{/versions}}
        {{> footer}}
        """

    static let builds = """
        {{> header}}
        <h1>Build runs</h1>
        {{#runs}}
        <section class="run" id="run-{{id}}"><h2>run {{id}}{{#runID}} ({{runID}}){{/runID}}</h2>
        <p class="meta">{{when}} by {{reporter}} · {{seconds}} s · planned {{planned}}: <b>{{built}} built</b>, {{skipped}} skipped, <b{{#anyFailed}} class="bad"{{/anyFailed}}>{{failed}} failed</b>{{#cancelled}}, {{cancelled}} cancelled{{/cancelled}}</p>
        {{#hasFailures}}<ul>{{#failures}}<li>{{item}}: {{reason}}{{#log}} · <a href="{{log}}">log</a>{{/log}}</li>{{/failures}}</ul>{{/hasFailures}}
        </section>
        {{/runs}}
        {{^runs}}<p>No runs reported yet: <code>wheelwright build</code> reports each run here.</p>{{/runs}}
        {{> footer}}
        """

    static let search = """
        {{> header}}
        <h1>Search{{#frame.query}}: “{{frame.query}}”{{/frame.query}}</h1>
        <table><thead><tr><th>project</th><th>index</th></tr></thead><tbody>
        {{#results}}<tr><td><a href="{{frame.prefix}}/{{index}}/{{project}}/">{{project}}</a></td><td><a href="{{frame.prefix}}/{{index}}/">{{index}}</a></td></tr>
        {{/results}}</tbody></table>
        {{^results}}<p>No project matches.</p>{{/results}}
        {{> footer}}
        """

    static let stylesheet = """
        :root { --ink: #1d232a; --muted: #5b6670; --line: #d9dee3; --accent: #2257a8; --bad: #b3261e; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); }
        header { display: flex; flex-wrap: wrap; gap: .5rem 1.25rem; align-items: center; padding: .6rem 1rem; border-bottom: 1px solid var(--line); }
        header .brand { font-weight: 700; }
        header form { margin-left: auto; }
        main { padding: 0 1rem 2rem; max-width: 1200px; margin: 0 auto; overflow-x: auto; }
        footer { padding: 1rem; color: var(--muted); font-size: .85rem; text-align: center; }
        a { color: var(--accent); text-decoration: none; } a:hover { text-decoration: underline; }
        h1 { font-size: 1.5rem; margin: 1.2rem 0 .4rem; } h2 { font-size: 1.1rem; margin: 1.2rem 0 .4rem; }
        table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
        th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { font-weight: 600; color: var(--muted); font-size: .85rem; }
        td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        td a { overflow-wrap: anywhere; }
        code { font: .85rem ui-monospace, monospace; }
        input[type=search] { padding: .3rem .5rem; border: 1px solid var(--line); border-radius: 4px; min-width: 14rem; }
        .meta { color: var(--muted); } .summary { font-size: 1.05rem; }
        .tag { font-size: .75rem; padding: 0 .35rem; border-radius: 3px; background: #fbe9e7; color: var(--bad); }
        tr.yanked td { color: var(--muted); }
        .bad { color: var(--bad); }
        details summary { cursor: pointer; color: var(--muted); font-size: .85rem; }
        dl { display: grid; grid-template-columns: max-content 1fr; gap: 0 .75rem; font-size: .85rem; margin: .25rem 0; }
        dt { color: var(--muted); } dd { margin: 0; }
        nav.pages { display: flex; gap: 1rem; }
        @media (max-width: 700px) { th:nth-child(n+5), td:nth-child(n+5) { display: none; } header form { margin-left: 0; } }
        """

    /// Every template by name, compiled once. They are constants of this file, each rendered by
    /// the tests, so a template that does not parse is a programming error, not bad input.
    static let library: MustacheLibrary = {
        var templates: [String: MustacheTemplate] = [:]
        for (name, text) in [("header", header), ("footer", footer), ("root", root), ("index", index), ("project", project),
                             ("builds", builds), ("search", search)] {
            do {
                templates[name] = try MustacheTemplate(string: text)
            } catch {
                fatalError("the \(name) page template does not parse: \(error)")
            }
        }
        return MustacheLibrary(templates: templates)
    }()
}
