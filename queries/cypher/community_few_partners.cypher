// rule: community-few-partners
// title: 社区共建单位不足 / Community with too few partner units
// 在 $as_of 当日有效的共建协议中，共建单位少于 $min_partners 个的社区（村），按辖区驻区单位数从多到少排列。
// params: {"as_of": "2026-11-22", "min_partners": 1}
MATCH (c:Area:Dangjian)
WHERE c.level IN ['community', 'village']
OPTIONAL MATCH p = (c)-[:CONTAINS*0..]->(:Area:Dangjian)<-[:ANCHORED_IN|LOCATED_IN*1..2]-(o:PartyOrg:Dangjian)
WHERE all(r IN relationships(p) WHERE (r.valid_from IS NULL OR r.valid_from <= date($as_of))
                                   AND (r.valid_to IS NULL OR r.valid_to >= date($as_of)))
OPTIONAL MATCH (o)-[side:PARTY_TO]->(a:Agreement:Dangjian)
WHERE side.side = 'community'
  AND (coalesce(a.valid_from, a.signed_on) IS NULL OR coalesce(a.valid_from, a.signed_on) <= date($as_of))
  AND (a.valid_to IS NULL OR a.valid_to >= date($as_of))
OPTIONAL MATCH (a)<-[other:PARTY_TO]-(party)
WHERE other.side IS NULL OR other.side <> 'community'
OPTIONAL MATCH (party)-[:ANCHORED_IN]->(through:Unit:Dangjian)
WITH c, collect(DISTINCT coalesce(through, party)) AS partners
WHERE size(partners) < $min_partners
RETURN c.id AS id, c.name AS name, size(partners) AS partners,
       COUNT { MATCH q = (c)-[:CONTAINS*0..]->(:Area:Dangjian)<-[:LOCATED_IN]-(:Unit:Dangjian)
               WHERE all(r IN relationships(q) WHERE (r.valid_from IS NULL OR r.valid_from <= date($as_of))
                                                  AND (r.valid_to IS NULL OR r.valid_to >= date($as_of))) } AS units
ORDER BY units DESC, id
