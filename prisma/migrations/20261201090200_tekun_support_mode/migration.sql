-- 特困 persons choose concentrated support (集中供养, in an institution) or dispersed support (分散供养,
-- at home). Table 2's row 4 (农村五保供养服务机构集中供养能力) compares the places of rural 特困
-- institutions with the 特困 elders who chose concentrated support (issue 14 item 2).
ALTER TABLE elder_status ADD COLUMN "supportMode" text;
ALTER TABLE elder_status ADD CONSTRAINT elder_status_support_mode_valid CHECK ("supportMode" IS NULL OR "supportMode" IN ('concentrated', 'dispersed'));
ALTER TABLE elder_status ADD CONSTRAINT elder_status_support_mode_tekun_only CHECK ("supportMode" IS NULL OR kind = 'tekun');
