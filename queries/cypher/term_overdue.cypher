// rule: term-overdue
// title: 党组织任期届满未换届 / Term of office overdue
// 本届选举日期加任期（台账的任期年限；否则社区、村党组织 $community_term_years 年；否则按组织类别 $term_years）早于 $as_of 的党组织。
// params: {"as_of": "2026-11-22", "community_term_years": 5, "term_years": {"working_committee": 5, "committee": 5, "general_branch": 3, "branch": 3}}
MATCH (o:PartyOrg:Dangjian)
WHERE o.elected_on IS NOT NULL
WITH o, EXISTS {
    MATCH (o)-[r:ANCHORED_IN]->(a:Area:Dangjian)
    WHERE a.level IN ['community', 'village']
      AND (r.valid_from IS NULL OR r.valid_from <= date($as_of))
      AND (r.valid_to IS NULL OR r.valid_to >= date($as_of))
  } AS in_community
WITH o, CASE
    WHEN o.term_years IS NOT NULL AND o.term_years <> 0 THEN o.term_years
    WHEN in_community AND coalesce(o.kind, '') <> 'group' THEN $community_term_years
    ELSE $term_years[o.kind]
  END AS years
WHERE years IS NOT NULL AND years <> 0
  AND o.elected_on + duration({years: toInteger(years)}) < date($as_of)
RETURN o.id AS id, o.name AS name, o.elected_on AS elected_on,
       o.elected_on + duration({years: toInteger(years)}) AS term_end
ORDER BY id
