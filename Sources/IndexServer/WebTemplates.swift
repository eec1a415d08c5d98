import Descriptions
import Mustache

/// The pages' templates and stylesheet, compiled into the binary so `serve` needs no files.
/// Every value goes through `{{…}}`, which escapes HTML (`ByteEscapedHTML`, set by a pragma on
/// each template: a partial starts from swift-mustache's own escaping again); the one `{{{…}}}` is a release's
/// description, which `DescriptionRendering` made from an allowlist (`HTMLSanitizer`).
enum WebTemplates {
    static let header = """
        {{#frame}}<!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · wheelwright</title><link rel="stylesheet" href="{{frame.prefix}}/+static/style.css"></head>
        <body><header><a class="brand" href="{{frame.prefix}}/">wheelwright</a> <a href="{{frame.prefix}}/+builds/">builds</a> <a href="{{frame.prefix}}/+coverage/">coverage</a>
        <form action="{{frame.prefix}}/+search" method="get"><input type="search" name="q" value="{{query}}" placeholder="search projects" aria-label="search projects"></form></header>
        <main>{{#hasCrumbs}}<nav class="crumbs" aria-label="where">{{#crumbs}}{{^last}}<a href="{{link}}">{{label}}</a> › {{/last}}{{#last}}<span>{{label}}</span>{{/last}}{{/crumbs}}</nav>{{/hasCrumbs}}{{/frame}}
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
        {{#indices}}<tr><td><a href="{{frame.prefix}}/{{path}}/">{{path}}</a>{{#volatile}} <span class="tag">volatile</span>{{/volatile}}{{#isPrivate}} <span class="tag">private</span>{{/isPrivate}}{{#mirror}} <span class="tag" title="{{mirror}}">mirror</span>{{/mirror}}</td><td>{{bases}}</td><td class="n">{{projects}}</td><td class="n">{{files}}</td><td>{{last}}</td></tr>
        {{/indices}}</tbody></table></section>
        {{/users}}
        {{^users}}<p>No indices yet: <code>wheelwright index create USER/NAME</code>.</p>{{/users}}
        {{> footer}}
        """

    static let index = """
        {{> header}}
        <h1>{{path}}</h1>
        {{#mirror}}<p class="meta"><span class="tag">mirror</span> {{mirror}}</p>
        {{/mirror}}{{#readers}}<p class="meta"><span class="tag">private</span> read by {{readers}}</p>
        {{/readers}}<p class="meta">bases: {{bases}} · simple API: <a href="{{frame.prefix}}/{{path}}/+simple/">/{{path}}/+simple/</a> · <code>pip install -i {{simple}} NAME</code></p>
        <form method="get" class="filter"><input type="search" name="filter" value="{{filter}}" placeholder="filter projects" aria-label="filter projects"> <button>filter</button></form>
        <p class="meta">{{projectCount}}{{#filtering}} matching “{{filter}}”{{/filtering}}; page {{page}} of {{pages}}</p>
        <table><thead><tr><th>project</th><th>newest version</th><th class="n">files</th><th>last upload</th></tr></thead><tbody>
        {{#projects}}<tr><td><a href="{{frame.prefix}}/{{path}}/{{name}}/">{{name}}</a>{{#status}} <span class="tag">{{status}}</span>{{/status}}</td><td>{{newest}}</td><td class="n">{{files}}</td><td>{{last}}</td></tr>
        {{/projects}}</tbody></table>
        <nav class="pages">{{#previous}}<a rel="prev" href="{{previous}}">← previous</a>{{/previous}} {{#next}}<a rel="next" href="{{next}}">next →</a>{{/next}}</nav>
        {{> footer}}
        """

    static let project = """
        {{> header}}
        {{^details}}<h1>{{name}}</h1>
        <p class="meta">in <a href="{{frame.prefix}}/{{path}}/">{{path}}</a> · simple API: <a href="{{frame.prefix}}/{{path}}/+simple/{{name}}/">/{{path}}/+simple/{{name}}/</a></p>{{/details}}
        {{#status}}<p class="project-status {{status}}"><b>{{status}}</b> in {{index}} since {{when}} by {{user}}: {{reason}}{{#quarantined}}. Its files are neither listed nor served.{{/quarantined}}</p>{{/status}}
        {{#details}}
        <h1>{{name}}{{#single}} {{version}}{{/single}}</h1>
        <p class="summary">{{summary}}</p>
        <p class="meta">in <a href="{{frame.prefix}}/{{path}}/">{{path}}</a>{{#single}} · <a href="{{frame.prefix}}/{{path}}/{{name}}/">every version</a>{{/single}}{{^single}} · newest {{version}}{{/single}} · simple API: <a href="{{frame.prefix}}/{{path}}/+simple/{{name}}/">/{{path}}/+simple/{{name}}/</a></p>
        <dl class="release">
        {{#people}}<dt>{{role}}</dt><dd>{{name}}{{#email}} &lt;<a href="mailto:{{email}}">{{email}}</a>&gt;{{/email}}</dd>{{/people}}
        {{#license}}<dt>license</dt><dd>{{license}}</dd>{{/license}}
        {{#keywords}}<dt>keywords</dt><dd>{{keywords}}</dd>{{/keywords}}
        {{#platform}}<dt>platform</dt><dd>{{platform}}</dd>{{/platform}}
        {{#requiresPython}}<dt>Requires-Python</dt><dd>{{requiresPython}}</dd>{{/requiresPython}}
        {{#hasLinks}}<dt>links</dt><dd>{{#links}}<span class="link">{{#url}}<a href="{{url}}" rel="nofollow noopener noreferrer">{{label}}</a>{{/url}}{{^url}}{{label}}: {{text}}{{/url}}</span> {{/links}}</dd>{{/hasLinks}}
        {{#hasRequirements}}<dt>requires</dt><dd><ul class="requirements">{{#requirements}}<li>{{#url}}<a href="{{url}}">{{text}}</a>{{/url}}{{^url}}{{text}}{{/url}}</li>{{/requirements}}</ul></dd>{{/hasRequirements}}
        {{#requestedBy}}<dt>requested by</dt><dd>{{requestedBy}}</dd>{{/requestedBy}}
        {{#requestReason}}<dt>reason</dt><dd>{{requestReason}}</dd>{{/requestReason}}
        {{#hasClassifiers}}<dt>classifiers</dt><dd><ul class="classifiers">{{#classifiers}}<li>{{.}}</li>{{/classifiers}}</ul></dd>{{/hasClassifiers}}
        <dt>install</dt><dd>{{#installs}}<code class="install">{{.}}</code> {{/installs}}</dd>
        </dl>
        <section class="readme">{{{description}}}</section>
        {{/details}}
        {{#versions}}
        <section class="version"><h2>{{^single}}<a href="{{url}}">{{version}}</a>{{/single}}{{#single}}files{{/single}}</h2>
        <table><thead><tr><th>file</th><th class="n">size</th><th>kind</th><th>Python</th><th>platform</th><th>target OS</th><th>history</th><th>tests</th><th>sha256</th></tr></thead><tbody>
        {{#files}}<tr{{#yanked}} class="yanked"{{/yanked}}><td><a href="{{url}}">{{filename}}</a>{{#yanked}} <span class="tag">yanked{{#reason}}: {{reason}}{{/reason}}</span>{{/yanked}}
        {{#log}}<br><a href="{{log}}">build log</a>{{/log}}{{#sbom}} · <a href="{{sbom}}">SBOM</a>{{/sbom}}{{#hasProvenance}}<details><summary>provenance</summary><dl>{{#provenance}}<dt>{{key}}</dt><dd>{{value}}</dd>{{/provenance}}</dl></details>{{/hasProvenance}}</td>
        <td class="n">{{size}}</td><td>{{kind}}</td><td>{{python}}</td><td>{{platform}}</td><td class="target">{{target}}</td><td class="history">{{#history}}{{#linked}}<a href="{{link}}">{{text}}</a>{{/linked}}{{^linked}}{{text}}{{/linked}}<br>{{/history}}</td><td>{{#tests}}<a class="test {{#passed}}passed{{/passed}}{{^passed}}failed{{/passed}}" href="{{log}}" title="{{host}}, {{when}}">{{environment}} {{python}} {{platform}}: {{outcome}}</a><br>{{/tests}}</td><td><code title="{{sha256}}">{{shortSHA}}</code></td></tr>
        {{/files}}</tbody></table></section>
        {{/versions}}
        {{#hasHistory}}<section class="status-history"><h2>status history</h2><ul>{{#history}}<li>{{when}}: {{user}} set <b>{{status}}</b> in {{index}}: {{reason}}</li>{{/history}}</ul></section>{{/hasHistory}}
        {{> footer}}
        """

    static let builds = """
        {{> header}}
        <h1>Build runs</h1>
        <p class="meta"><a href="{{frame.prefix}}/+coverage/">coverage of the whitelist</a></p>
        {{#chart}}
        <figure class="chart"><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {{width}} {{height}}" width="{{width}}" height="{{height}}" role="img" aria-label="{{lastRuns}}">
        <line x1="40" y1="{{plotBottom}}" x2="{{width}}" y2="{{plotBottom}}" stroke="#d9dee3"/>
        <text x="36" y="{{plotTop}}" text-anchor="end" font-size="10" fill="#5b6670" dominant-baseline="hanging">{{maxItems}}</text>
        <text x="36" y="{{plotBottom}}" text-anchor="end" font-size="10" fill="#5b6670">0</text>
        {{#bars}}<a href="{{frame.prefix}}/+builds/{{run}}/"><title>{{title}}</title><rect x="{{x}}" y="{{builtY}}" width="{{width}}" height="{{builtHeight}}" fill="#2e7d32"/><rect x="{{x}}" y="{{failedY}}" width="{{width}}" height="{{failedHeight}}" fill="#b3261e"/></a>
        {{/bars}}<polyline points="{{skippedLine}}" fill="none" stroke="#8a949e" stroke-width="1.5" stroke-dasharray="4 3"/>
        <polyline points="{{durationLine}}" fill="none" stroke="#2257a8" stroke-width="1.5"/>
        </svg>
        <figcaption><span class="key built"></span> built · <span class="key failed"></span> failed (bars, up to {{maxItems}}) · <span class="key skipped"></span> skipped (up to {{maxSkipped}}) · <span class="key duration"></span> duration (up to {{maxSeconds}}) · {{lastRuns}}, oldest left</figcaption></figure>
        {{/chart}}
        {{#runs}}
        <section class="run" id="run-{{id}}"><h2><a href="{{url}}">run {{id}}</a>{{#runID}} ({{runID}}){{/runID}}</h2>
        <p class="meta">{{when}} by {{reporter}} · {{seconds}} s · planned {{planned}}: <b>{{built}} built</b>, {{skipped}} skipped, <b{{#anyFailed}} class="bad"{{/anyFailed}}>{{failed}} failed</b>{{#cancelled}}, {{cancelled}} cancelled{{/cancelled}}</p>
        {{#hasFailures}}<ul>{{#failures}}<li>{{item}}: {{reason}}{{#log}} · <a href="{{log}}">log</a>{{/log}}</li>{{/failures}}</ul>{{/hasFailures}}
        </section>
        {{/runs}}
        {{^runs}}<p>No runs reported yet: <code>wheelwright build</code> reports each run here.</p>{{/runs}}
        {{> footer}}
        """

    static let run = """
        {{> header}}
        {{#run}}<h1>Build run {{id}}{{#runID}} ({{runID}}){{/runID}}</h1>
        <p class="meta">{{when}} by {{reporter}} · {{seconds}} s · planned {{planned}}: <b>{{built}} built</b>, {{skipped}} skipped, <b{{#anyFailed}} class="bad"{{/anyFailed}}>{{failed}} failed</b>{{#cancelled}}, {{cancelled}} cancelled{{/cancelled}} · <a href="{{frame.prefix}}/+builds/">all runs</a></p>{{/run}}
        <table><thead><tr><th>package</th><th>version</th><th>target</th><th>Python</th><th>result</th><th class="n" title="the whole item: wheelhouse, build, repair, checks, upload (the provenance of a wheel times the build step alone)">item s</th><th>wheel</th></tr></thead><tbody>
        {{#items}}<tr><td class="name">{{project}}{{#tool}} <span class="role">build tool</span>{{/tool}}</td><td>{{version}}</td><td class="target">{{target}}</td><td>{{python}}</td><td><span class="status {{status}}">{{status}}</span></td><td class="n">{{seconds}}</td>
        <td>{{#wheel}}{{wheel}} → {{index}}{{/wheel}}{{#reason}}<span{{#bad}} class="bad"{{/bad}}>{{reason}}</span>{{/reason}}{{#log}} · <a href="{{log}}">log</a>{{/log}}</td></tr>
        {{/items}}</tbody></table>
        {{^items}}<p>Nothing was built in this run.</p>{{/items}}
        {{#skipped}}<p class="meta">and {{skipped}} the plan skipped: already in the index, or denied (<a href="{{frame.prefix}}/+coverage/">coverage</a>)</p>{{/skipped}}
        {{> footer}}
        """

    static let coverage = """
        {{> header}}
        <h1>Coverage of the whitelist</h1>
        <p class="meta">{{entries}}; each cell as the latest run that planned it left it · <a href="{{frame.prefix}}/+builds/">build runs</a></p>
        <table class="totals"><thead><tr><th>target</th><th class="n">built</th><th class="n">failed</th><th class="n">denied</th><th class="n">pending</th></tr></thead><tbody>
        {{#targets}}<tr><td class="target">{{target}}</td><td class="n">{{built}}</td><td class="n">{{failed}}</td><td class="n">{{denied}}</td><td class="n">{{pending}}</td></tr>
        {{/targets}}</tbody></table>
        {{^entries}}<p>No run has reported yet: <code>wheelwright build</code> reports each run here.</p>{{/entries}}
        <table class="coverage"><thead><tr><th>package</th>{{#targets}}<th class="target">{{target}}</th>{{/targets}}</tr></thead><tbody>

        """

    /// After the rows `WebPages.coverage` writes.
    static let coverageEnd = """
        </tbody></table>
        {{> footer}}
        """

    static let error = """
        {{> header}}
        <h1>{{status}}</h1>
        <p class="error">{{message}}</p>
        <p><a href="{{frame.prefix}}/">the indices</a> · <a href="{{frame.prefix}}/+search">search</a> · <a href="{{frame.prefix}}/+builds/">build runs</a></p>
        {{> footer}}
        """

    static let search = """
        {{> header}}
        <h1>Search{{#frame.query}}: “{{frame.query}}”{{/frame.query}}</h1>
        {{#broad}}<p class="note">Too many projects match to rank them (more than 10,000 by name, summary or keywords; 5,000 on a PostgreSQL catalog): the most recently updated are shown, not the most relevant. Add words to narrow it.</p>{{/broad}}
        {{#results}}<section class="hit"><h2><a href="{{frame.prefix}}/{{index}}/{{project}}/">{{project}}</a> <span class="version">{{version}}</span> <span class="index">in <a href="{{frame.prefix}}/{{index}}/">{{index}}</a></span></h2>
        <p class="summary">{{{summary}}}</p>{{#snippet}}<p class="snippet">{{{snippet}}}</p>{{/snippet}}</section>
        {{/results}}
        {{#searched}}{{^results}}<p>No project matches: search looks at names, summaries, keywords and descriptions, each word as the start of a word.</p>{{/results}}{{/searched}}
        {{> footer}}
        """

    static let stylesheet = """
        :root { --ink: #1d232a; --muted: #5b6670; --line: #d9dee3; --accent: #2257a8; --bad: #b3261e; --good: #1e7b34; }
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
        td a { overflow-wrap: break-word; }
        td.target, th.target, td.name { white-space: nowrap; }
        span.link + span.link::before { content: "·"; margin: 0 .45rem 0 .1rem; color: var(--muted); }
        code { font: .85rem ui-monospace, monospace; }
        input[type=search] { padding: .3rem .5rem; border: 1px solid var(--line); border-radius: 4px; min-width: 14rem; }
        .meta { color: var(--muted); } .summary { font-size: 1.05rem; }
        .project-status { padding: .5rem .75rem; border-radius: 4px; background: #fff4e5; }
        .project-status.quarantined { background: #fbe9e7; color: var(--bad); }
        .tag { font-size: .75rem; padding: 0 .35rem; border-radius: 3px; background: #fbe9e7; color: var(--bad); }
        tr.yanked td { color: var(--muted); }
        a.test.passed { color: var(--good); } a.test.failed { color: var(--bad); }
        nav.crumbs { font-size: .9rem; color: var(--muted); margin: .5rem 0; } p.error { font-size: 1.05rem; }
        section.hit h2 { font-size: 1.05rem; margin: 1rem 0 .2rem; } section.hit .version, section.hit .index { color: var(--muted); font-weight: normal; }
        section.hit p { margin: .1rem 0; } section.hit .snippet { color: var(--muted); font-size: .9rem; } mark { background: #fff3b0; }
        .bad { color: var(--bad); }
        details summary { cursor: pointer; color: var(--muted); font-size: .85rem; }
        .status { font-size: .75rem; padding: 0 .35rem; border-radius: 3px; white-space: nowrap; }
        .status.built { background: #e8f5e9; color: #2e7d32; } .status.failed { background: #fbe9e7; color: var(--bad); }
        .status.denied { background: #eceff1; color: var(--muted); } .status.pending, .status.cancelled, .status.skipped { background: #fff8e1; color: #8d6e00; }
        .role { font-size: .75rem; padding: 0 .35rem; border-radius: 3px; background: #e3f2fd; color: #1565c0; white-space: nowrap; }
        tr.group th { text-align: left; padding-top: .8rem; color: var(--muted); font-weight: 600; }
        table.totals { width: auto; } table.totals td, table.totals th { padding-right: 1.5rem; }
        .chart { margin: .5rem 0 1rem; overflow-x: auto; } .chart figcaption { color: var(--muted); font-size: .85rem; }
        .key { display: inline-block; width: .8rem; height: .6rem; vertical-align: middle; }
        .key.built { background: #2e7d32; } .key.failed { background: #b3261e; } .key.skipped { border-top: 2px dashed #8a949e; height: 0; } .key.duration { border-top: 2px solid #2257a8; height: 0; }
        dl { display: grid; grid-template-columns: max-content 1fr; gap: 0 .75rem; font-size: .85rem; margin: .25rem 0; }
        dt { color: var(--muted); } dd { margin: 0; }
        nav.pages { display: flex; gap: 1rem; }
        dl.release { font-size: .9rem; margin: .75rem 0; } ul.requirements { margin: 0; padding-left: 1.1rem; }
        code.install { display: inline-block; max-width: 100%; overflow-x: auto; vertical-align: bottom; white-space: pre; padding: .1rem .4rem; background: #f3f5f7; border-radius: 3px; user-select: all; }
        .readme { border-top: 1px solid var(--line); margin-top: 1rem; padding-top: .5rem; overflow-wrap: anywhere; }
        .readme pre { background: #f6f8fa; padding: .6rem .8rem; overflow-x: auto; font: .85rem ui-monospace, monospace; white-space: pre-wrap; }
        .readme img { max-width: 100%; }
        @media (max-width: 700px) { th:nth-child(n+5), td:nth-child(n+5) { display: none; } header form { margin-left: 0; } }
        """

    /// Every template by name, compiled once. They are constants of this file, each rendered by
    /// the tests, so a template that does not parse is a programming error, not bad input.
    static let library: MustacheLibrary = {
        MustacheContentTypes.register(ByteEscapedHTML(), named: ByteEscapedHTML.name)
        var templates: [String: MustacheTemplate] = [:]
        for (name, text) in [("header", header), ("footer", footer), ("root", root), ("index", index), ("project", project),
                             ("builds", builds), ("run", run), ("coverage", coverage), ("coverageEnd", coverageEnd), ("search", search), ("error", error)] {
            do {
                templates[name] = try MustacheTemplate(string: "{{% CONTENT_TYPE: \(ByteEscapedHTML.name)}}" + text)
            } catch {
                fatalError("the \(name) page template does not parse: \(error)")
            }
        }
        return MustacheLibrary(templates: templates)
    }()
}

/// swift-mustache's HTML escaping compares `Character`s, so a `"` or `<` followed by a
/// combining mark (one grapheme in Swift, still a quote to a browser) passed through: a
/// metadata URL ending `"\u{301} onmouseover=…` broke out of its attribute. This escapes bytes.
struct ByteEscapedHTML: MustacheContentType {
    static let name = "WHEELWRIGHT_HTML"
    func escapeText(_ text: String) -> String { HTMLSanitizer.escape(text) }
}
