package report

import (
	"encoding/json"
	"io"
)

// WriteJSON writes r as indented JSON followed by a newline. Nil lists are
// written as [] so consumers never see null where the schema has a list.
func WriteJSON(w io.Writer, r *Report) error {
	c := *r
	c.Schema = Schema
	c.Input.Files = nonNil(c.Input.Files)
	c.Input.MalformedReasons = nonNil(c.Input.MalformedReasons)
	c.Input.MalformedSamples = nonNil(c.Input.MalformedSamples)
	if c.Requests.Status == nil {
		c.Requests.Status = map[string]uint64{}
	}
	c.Endpoints = nonNil(c.Endpoints)
	c.TopIPs = nonNil(c.TopIPs)
	c.TopAuthFailureIPs = nonNil(c.TopAuthFailureIPs)
	c.TopUsers = nonNil(c.TopUsers)
	c.UserAgents = nonNil(c.UserAgents)
	c.UserAgentClasses = nonNil(c.UserAgentClasses)
	c.Timeline = nonNil(c.Timeline)
	c.Incidents = nonNil(c.Incidents)
	for i := range c.Incidents {
		e := &c.Incidents[i].Evidence
		e.Endpoints, e.Clients, e.Status = nonNil(e.Endpoints), nonNil(e.Clients), nonNil(e.Status)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(&c)
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
