/*
  Warnings:

  - You are about to drop the `subsidy_notification` table. If the table is not empty, all the data it contains will be lost.

*/
-- DropTable
DROP TABLE "subsidy_notification";
