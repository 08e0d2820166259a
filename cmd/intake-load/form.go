package main

import (
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
)

// formCookie is the patient form's CSRF cookie (web/tokens.go).
const formCookie = "bi_form"

var hiddenInput = regexp.MustCompile(`<input type="hidden" name="(_csrf|_submission)" value="([^"]*)">`)

// formTokens loads GET /intake as a new browser would and returns its CSRF
// cookie and the hidden _csrf and _submission values.
func formTokens(client *http.Client, base string) (cookie *http.Cookie, tokens url.Values, err error) {
	resp, err := client.Get(base + "/intake?lang=en")
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	page, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, nil, fmt.Errorf("GET /intake: %s", resp.Status)
	}
	for _, c := range resp.Cookies() {
		if c.Name == formCookie {
			cookie = c
		}
	}
	if cookie == nil {
		return nil, nil, fmt.Errorf("GET /intake set no %s cookie", formCookie)
	}
	tokens = url.Values{}
	for _, m := range hiddenInput.FindAllSubmatch(page, -1) {
		tokens.Set(string(m[1]), html.UnescapeString(string(m[2])))
	}
	if tokens.Get("_csrf") == "" || tokens.Get("_submission") == "" {
		return nil, nil, fmt.Errorf("GET /intake: form without _csrf or _submission")
	}
	return cookie, tokens, nil
}
