package main

import (
	"bytes"
	"encoding/json"
	"html/template"

	"github.com/backintake/backintake/intake"
	"github.com/backintake/backintake/intake/messages"
	"github.com/backintake/backintake/screening"
)

// plainPage is the stand-in for the staff detail page: the PDF's content
// (summary, flags, scores, every answer by section) as plain HTML with a
// little CSS, so that Chromium lays out and prints about as much as pdf.Render.
var plainPage = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Intake {{.ID}}</title>
<style>
body{font-family:"DejaVu Sans",sans-serif;font-size:10pt;margin:0}
h1{font-size:14pt}h2{font-size:12pt;border-bottom:1px solid #999}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:2px 4px;vertical-align:top;text-align:left}
.emergency{color:#b00;font-weight:bold}.urgent{color:#c60}
</style></head><body>
<h1>{{.Clinic}} · back pain intake</h1>
<p><b>{{.Name}}</b> · born {{.Birth}} · submitted {{.Submitted}} · {{.Lang}}</p>
<p>Highest severity: <span class="{{.Result.HighestSeverity}}">{{.Result.HighestSeverity}}</span> · dry needling: {{.Needling}}</p>
<h2>Flags</h2>
<table><tr><th>Severity</th><th>Rule</th><th>Finding</th><th>Source</th></tr>
{{range .Result.Flags}}<tr><td class="{{.Severity}}">{{.Severity}}</td><td>{{.ID}}</td><td>{{.Message}}</td><td>{{range .Source}}{{.}} {{end}}</td></tr>{{end}}
</table>
<h2>Scores</h2><p>{{.Scores}}</p>
{{range .Sections}}<h2>{{.Title}}</h2><table>
{{range .Rows}}<tr><th style="width:55%">{{.Q}}</th><td>{{.A}}</td></tr>{{end}}
</table>{{end}}
</body></html>`))

type row struct{ Q, A string }
type section struct {
	Title string
	Rows  []row
}

// plainHTML renders in and res as plainPage.
func plainHTML(in intake.Intake, res screening.Result) ([]byte, error) {
	p := messages.English()
	var secs []section
	for _, s := range intake.V1.Sections {
		sec := section{Title: p.T(messages.SectionTitle(s.ID))}
		for _, it := range s.Items {
			if v, ok := in.Answers[it.LinkID]; ok {
				sec.Rows = append(sec.Rows, row{Q: p.T(messages.ItemText(it.LinkID)), A: p.AnswerText(it, v)})
			}
		}
		if len(sec.Rows) > 0 {
			secs = append(secs, sec)
		}
	}
	scores, _ := json.Marshal(res.Scores)
	var buf bytes.Buffer
	err := plainPage.Execute(&buf, map[string]any{
		"ID": in.ID, "Clinic": "Physical Therapy Clinic", "Name": in.PatientName(),
		"Birth": in.Answers.String("patient.birth_date"), "Submitted": in.CreatedAt.In(clinicZone).Format("2006-01-02 15:04"),
		"Lang": in.Lang, "Result": res, "Needling": res.NeedlingStatus.Wording(), "Scores": string(scores), "Sections": secs,
	})
	return buf.Bytes(), err
}
